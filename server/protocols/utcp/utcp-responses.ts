import type { ToolCallOutcome } from '../../services/tool-execution.ts';
import type { Refusal } from '../gateway-session.ts';

/** The error codes of the UTCP surface, as documented for gateway callers. */
export type UtcpErrorCode =
  | 'TOOL_NOT_FOUND'
  | 'INVALID_PARAMS'
  | 'EXECUTION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'GATEWAY_UNAVAILABLE';

type FailedOutcome = Extract<ToolCallOutcome, { ok: false }>;

/**
 * What a gateway caller is told about a failed call. The executor's own messages name upstream hosts and
 * addresses, which belong to the tool's owner (they stay in the execution record), not to every agent.
 */
const FAILURE_MESSAGES: Record<string, string> = {
  UPSTREAM_TIMEOUT: 'The upstream service did not answer in time',
  UPSTREAM_UNREACHABLE: 'The upstream service could not be reached',
  RESPONSE_TOO_LARGE: 'The upstream response was larger than this server accepts',
  DESTINATION_BLOCKED: "The tool's upstream address is not allowed by this server's network policy",
  CIRCUIT_OPEN: 'The upstream service keeps failing, so calls to it are paused for a moment: retry later',
  GRAPHQL_ERRORS: 'The upstream GraphQL service answered with errors',
  INVALID_CONFIGURATION: "The tool's definition is incomplete or invalid: its owner has to fix it",
  TOOL_UNAVAILABLE: 'The tool is not available right now',
  CANCELLED: 'The call was cancelled',
};

/** A JSON response; `headers` may repeat a name (one `WWW-Authenticate` per challenge). */
export function utcpJson(status: number, body: unknown, headers: [string, string][] = []): Response {
  const all = new Headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  for (const [name, value] of headers) all.append(name, value);
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** The UTCP error form `{ error: { code, message } }`, with `reason` for execution failures. */
export function utcpError(
  status: number,
  code: UtcpErrorCode,
  message: string,
  options: { headers?: [string, string][]; reason?: string } = {},
): Response {
  const error = { code, message, ...(options.reason ? { reason: options.reason } : {}) };
  return utcpJson(status, { error }, options.headers);
}

/** Maps a session refusal: 401 with one challenge per auth method, 403, or 429 with its limit headers. */
export function refusalResponse(refusal: Refusal): Response {
  switch (refusal.kind) {
    case 'unauthenticated':
      return refusal.status === 401
        ? utcpError(401, 'UNAUTHORIZED', refusal.message, {
            headers: refusal.challenges.map((challenge): [string, string] => ['www-authenticate', challenge]),
          })
        : utcpError(403, 'FORBIDDEN', refusal.message);
    case 'forbidden':
      return utcpError(403, 'FORBIDDEN', refusal.message);
    case 'rate_limited':
      return utcpError(429, 'RATE_LIMITED', refusal.message, { headers: Object.entries(refusal.headers) });
  }
}

/**
 * A failed call: bad arguments are the caller's to fix (400 naming the argument); everything else is the
 * upstream's or the tool's (502 with a message that reveals nothing about the upstream, and the executor's
 * code as `reason`).
 */
export function failureResponse(outcome: FailedOutcome): Response {
  if (outcome.errorCode === 'INVALID_ARGUMENTS') {
    return utcpError(400, 'INVALID_PARAMS', outcome.message);
  }
  const message =
    outcome.errorCode === 'UPSTREAM_ERROR'
      ? `The upstream service answered${outcome.upstreamStatus ? ` HTTP ${outcome.upstreamStatus}` : ' with an error'}`
      : (FAILURE_MESSAGES[outcome.errorCode] ?? 'The call could not be completed');
  return utcpError(502, 'EXECUTION_FAILED', message, { reason: outcome.errorCode });
}
