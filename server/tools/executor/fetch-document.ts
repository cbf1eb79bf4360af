import { Agent } from 'undici';
import { type LookupFunction, systemLookup } from '../ssrf/dns.ts';
import { createGuardedConnector } from '../ssrf/guarded-connector.ts';
import { createSsrfPolicy } from '../ssrf/policy.ts';
import { ExecutionError } from './execution-error.ts';
import { decodeText, parseContentType } from './response-body.ts';
import { describeTarget, sendRequest } from './transport.ts';
import type { ExecutionErrorCode } from './types.ts';

export type DocumentFetchErrorCode =
  | 'INVALID_URL'
  | 'DESTINATION_BLOCKED'
  | 'TIMEOUT'
  | 'UNREACHABLE'
  | 'TOO_LARGE'
  | 'HTTP_ERROR';

/** Why a document could not be fetched; `status` is set for HTTP errors. */
export class DocumentFetchError extends Error {
  override readonly name = 'DocumentFetchError';

  constructor(
    readonly code: DocumentFetchErrorCode,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface FetchDocumentOptions {
  /** Same form and meaning as the executor's `allowedUpstreams`. Default: none. */
  allowedUpstreams?: readonly string[];
  lookup?: LookupFunction;
  /** Largest document accepted, in bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Total time including redirects and the body, in ms. Default 30 000. */
  timeoutMs?: number;
  /** DNS plus handshake limit, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  signal?: AbortSignal;
}

const CODES: Partial<Record<ExecutionErrorCode, DocumentFetchErrorCode>> = {
  DESTINATION_BLOCKED: 'DESTINATION_BLOCKED',
  UPSTREAM_TIMEOUT: 'TIMEOUT',
  UPSTREAM_UNREACHABLE: 'UNREACHABLE',
  RESPONSE_TOO_LARGE: 'TOO_LARGE',
  UPSTREAM_ERROR: 'HTTP_ERROR',
};

/**
 * Downloads a document (e.g. an OpenAPI description) with a GET under the same SSRF policy as tool calls:
 * http/https only, every redirect target and every connected address checked, size and time bounded.
 * @returns the body decoded as text (declared charset, else UTF-8).
 * @throws DocumentFetchError with code INVALID_URL, DESTINATION_BLOCKED, TIMEOUT, UNREACHABLE, TOO_LARGE or
 *   HTTP_ERROR (status >= 400, too many redirects); the abort reason when `signal` aborts.
 * @throws Error when an `allowedUpstreams` entry is invalid.
 */
export async function fetchDocument(url: string, options: FetchDocumentOptions = {}): Promise<string> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DocumentFetchError('INVALID_URL', 'The document URL is not a valid absolute URL');
  }
  const policy = createSsrfPolicy(options.allowedUpstreams ?? []);
  try {
    policy.assertUrlAllowed(target);
  } catch (error) {
    throw new DocumentFetchError('DESTINATION_BLOCKED', (error as Error).message, undefined, {
      cause: error,
    });
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const agent = new Agent({
    connect: createGuardedConnector({ policy, lookup: options.lookup ?? systemLookup, connectTimeoutMs }),
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  try {
    const response = await sendRequest(
      {
        method: 'GET',
        url: target,
        headers: {
          accept: 'application/json, application/yaml, text/yaml, text/plain;q=0.8, */*;q=0.5',
          'user-agent': 'Toolgate',
        },
      },
      {
        dispatcher: agent,
        policy,
        timeoutMs: options.timeoutMs ?? 30_000,
        connectTimeoutMs,
        maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
        errorBodyBytes: 0,
        maxRedirects: options.maxRedirects ?? 5,
        sensitiveHeaders: new Set(),
        signal: options.signal,
      },
    );
    if (response.status >= 400) {
      throw new DocumentFetchError(
        'HTTP_ERROR',
        `${describeTarget('GET', response.url)} responded with HTTP ${response.status}`,
        response.status,
      );
    }
    return decodeText(response.body, parseContentType(response.headers['content-type']).charset);
  } catch (error) {
    if (error instanceof DocumentFetchError || options.signal?.aborted) throw error;
    if (error instanceof ExecutionError) {
      const code = CODES[error.code] ?? 'UNREACHABLE';
      throw new DocumentFetchError(code, error.message, error.extra.upstreamStatus, { cause: error });
    }
    throw error;
  } finally {
    await agent.destroy();
  }
}
