import { CliError } from './cli-error.ts';

const TIMEOUT_MS = 20_000;

/** An answer read whole. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * The server base URL from what the user typed: http(s), no trailing slash, query or fragment.
 * @throws CliError naming what to type instead.
 */
export function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(
      `'${text.slice(0, 200)}' is not a server URL: give one like https://toolgate.example.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(
      `'${text.slice(0, 200)}' is not an http(s) URL: give one like https://toolgate.example.com`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The system error code behind a failed fetch (ECONNREFUSED, ENOTFOUND, …), if any. */
function causeCode(error: unknown): string | null {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * GET `url` and read the whole answer. A server that cannot be reached, or does not answer in time, is a
 * CliError saying so (not `lasting`: polling again may well succeed); cancelling through `signal` rethrows
 * the abort.
 */
export async function httpGet(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetch(url, { headers, signal: combined, redirect: 'follow' });
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    const origin = new URL(url).origin;
    if (timeout.aborted) {
      throw new CliError(
        `${origin} did not answer within ${TIMEOUT_MS / 1000} s: check the URL and try again`,
        1,
        false,
      );
    }
    const code = causeCode(error);
    throw new CliError(
      `cannot reach ${origin}${code ? ` (${code})` : ''}: check the URL and that the server is running`,
      1,
      false,
    );
  }
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The `message` of a management error envelope or the UTCP form `{error: {message}}`, if any. */
export function messageOf(answer: HttpAnswer): string | null {
  const body = jsonOf(answer) as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' ? message.slice(0, 300) : null;
}

/**
 * Checks a management token with `GET /auth/profile` and returns the profile's email.
 * @throws CliError for an unreachable server, something that is not a Toolgate server, or a refused token.
 */
export async function checkToken(server: string, token: string): Promise<string> {
  const answer = await httpGet(`${server}/auth/profile`, {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
  });
  const body = jsonOf(answer) as { success?: boolean; data?: { email?: unknown } } | undefined;
  if (answer.status === 401) {
    throw new CliError(
      'the server refused the token (wrong, expired or revoked): create a new token and run toolgate login again',
    );
  }
  if (answer.status === 429) {
    const retry = answer.headers.get('retry-after');
    throw new CliError(`the server is rate limiting this client: retry in ${retry ?? 'a few'} s`);
  }
  if (answer.status === 200 && body?.success === true && typeof body.data?.email === 'string') {
    return body.data.email;
  }
  throw new CliError(
    `${server} does not look like a Toolgate server (GET /auth/profile answered HTTP ${answer.status}): check the URL`,
  );
}
