import type { Dispatcher, FormData } from 'undici';
import type { SsrfPolicy } from '../ssrf/policy.ts';
import { ExecutionError } from './execution-error.ts';
import { readBodyLimited } from './response-body.ts';
import { classifyTransportError } from './transport-errors.ts';

/** One request as it goes on the wire. Header names are lower-case. */
export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | FormData | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** True when an error body was cut at `errorBodyBytes`. */
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: URL;
}

export interface TransportOptions {
  dispatcher: Dispatcher;
  policy: SsrfPolicy;
  /** Total time for the request, its redirects and the body, in ms. */
  timeoutMs: number;
  /** Reported in messages when the connect phase times out. */
  connectTimeoutMs: number;
  maxBytes: number;
  /** Responses with status >= 400 are only read this far (they become excerpts). */
  errorBodyBytes: number;
  maxRedirects: number;
  /** Headers that must not follow a redirect to another origin (credentials). */
  sensitiveHeaders: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Bodies that are discarded (redirects, HEAD) are drained this far to keep the connection, else cut. */
const REDIRECT_BODY_DRAIN = 64 * 1024;

/** `GET https://host:port/path`: origin and path only, so query-string credentials never reach a message. */
export function describeTarget(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The request to send for a redirect response, following the Fetch standard's method rules. */
function redirected(
  current: TransportRequest,
  status: number,
  location: string,
  sensitive: ReadonlySet<string>,
): TransportRequest {
  let url: URL;
  try {
    url = new URL(location, current.url);
  } catch {
    throw new ExecutionError(
      'UPSTREAM_ERROR',
      `${describeTarget(current.method, current.url)} redirected to an invalid URL`,
      {
        upstreamStatus: status,
      },
    );
  }
  const headers = { ...current.headers };
  let { method, body } = current;
  if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
    method = 'GET';
    body = undefined;
    delete headers['content-type'];
  }
  if (url.origin !== current.url.origin) {
    for (const name of sensitive) delete headers[name];
  }
  return { method, url, headers, body };
}

/**
 * Sends a request through the SSRF-guarded dispatcher, following redirects by hand so that each target
 * is checked by the policy and credentials are dropped when the origin changes. The body is read within
 * the byte limit; the whole exchange is bounded by `timeoutMs`.
 * @throws ExecutionError (DESTINATION_BLOCKED, UPSTREAM_TIMEOUT, UPSTREAM_UNREACHABLE, RESPONSE_TOO_LARGE,
 *   UPSTREAM_ERROR for redirect problems); the caller's abort reason when `signal` aborts.
 */
export async function sendRequest(
  request: TransportRequest,
  options: TransportOptions,
): Promise<TransportResponse> {
  const { signal } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('attempt timed out'));
  }, options.timeoutMs);
  const forwardAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  let current = request;
  try {
    for (let redirects = 0; ; redirects += 1) {
      options.policy.assertUrlAllowed(current.url);
      const response = await options.dispatcher.request({
        origin: current.url.origin,
        path: `${current.url.pathname}${current.url.search}`,
        method: current.method as Dispatcher.HttpMethod,
        headers: current.headers,
        body: current.body ?? null,
        signal: controller.signal,
      });
      const location = headerValue(response.headers.location);
      if (REDIRECTS.has(response.statusCode) && location) {
        await response.body.dump({ limit: REDIRECT_BODY_DRAIN, signal: controller.signal });
        if (redirects >= options.maxRedirects) {
          throw new ExecutionError(
            'UPSTREAM_ERROR',
            `${describeTarget(request.method, request.url)} redirected more than ${options.maxRedirects} times`,
            { upstreamStatus: response.statusCode },
          );
        }
        current = redirected(current, response.statusCode, location, options.sensitiveHeaders);
        continue;
      }
      if (current.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
        // No body by definition; a Content-Length here describes the GET representation.
        await response.body.dump({ limit: REDIRECT_BODY_DRAIN, signal: controller.signal });
        return {
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.alloc(0),
          truncated: false,
          url: current.url,
        };
      }
      const failed = response.statusCode >= 400;
      const { bytes, truncated } = await readBodyLimited(
        response.body,
        response.headers,
        failed ? Math.min(options.errorBodyBytes, options.maxBytes) : options.maxBytes,
        failed,
      );
      return {
        status: response.statusCode,
        headers: response.headers,
        body: bytes,
        truncated,
        url: current.url,
      };
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw classifyTransportError(error, {
      target: describeTarget(current.method, current.url),
      timedOut,
      timeoutMs: options.timeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}
