import type { Refusal } from '../gateway-session.ts';
import { readJsonObject } from '../utcp/json-body.ts';

export type JsonRpcId = string | number;

/** JSON-RPC 2.0 codes and the A2A-specific ones (A2A v1.0 §5.4; the same numbers in v0.3). */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Refusals of the transport (credentials, scopes, rate limits, availability); the HTTP status says which. */
  SERVER_ERROR: -32000,
  TASK_NOT_FOUND: -32001,
  TASK_NOT_CANCELABLE: -32002,
  PUSH_NOTIFICATION_NOT_SUPPORTED: -32003,
  UNSUPPORTED_OPERATION: -32004,
  CONTENT_TYPE_NOT_SUPPORTED: -32005,
  VERSION_NOT_SUPPORTED: -32009,
} as const;

/** The `google.rpc.ErrorInfo` reason A2A v1.0 attaches to each of its own errors. */
const REASONS: Partial<Record<number, string>> = {
  [RPC.TASK_NOT_FOUND]: 'TASK_NOT_FOUND',
  [RPC.TASK_NOT_CANCELABLE]: 'TASK_NOT_CANCELABLE',
  [RPC.PUSH_NOTIFICATION_NOT_SUPPORTED]: 'PUSH_NOTIFICATION_NOT_SUPPORTED',
  [RPC.UNSUPPORTED_OPERATION]: 'UNSUPPORTED_OPERATION',
  [RPC.CONTENT_TYPE_NOT_SUPPORTED]: 'CONTENT_TYPE_NOT_SUPPORTED',
  [RPC.VERSION_NOT_SUPPORTED]: 'VERSION_NOT_SUPPORTED',
};

const MAX_STRING_ID_LENGTH = 200;
const MAX_METHOD_LENGTH = 100;

/** An error a method answers with; `status` is the HTTP status of the response carrying it. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly options: { status?: number; data?: unknown; headers?: [string, string][] } = {},
  ) {
    super(message);
  }
}

/** A JSON-RPC request that passed the envelope checks. */
export interface RpcRequest {
  id: JsonRpcId;
  method: string;
  params: Record<string, unknown>;
}

function errorBody(id: JsonRpcId | null, code: number, message: string, data?: unknown) {
  const reason = REASONS[code];
  const details =
    data ??
    (reason
      ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'a2a-protocol.org' }]
      : undefined);
  return {
    jsonrpc: '2.0',
    id,
    error: { code, message, ...(details === undefined ? {} : { data: details }) },
  };
}

/** A JSON response of this endpoint; `headers` may repeat a name (one `WWW-Authenticate` per challenge). */
export function jsonResponse(status: number, body: unknown, headers: [string, string][] = []): Response {
  const all = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  for (const [name, value] of headers) all.append(name, value);
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** The successful answer to request `id`. */
export function rpcResult(id: JsonRpcId, result: unknown): Response {
  return jsonResponse(200, { jsonrpc: '2.0', id, result });
}

/** An error answer; method-level errors travel in an HTTP 200, as JSON-RPC over HTTP carries them. */
export function rpcErrorResponse(id: JsonRpcId | null, error: RpcError): Response {
  return jsonResponse(
    error.options.status ?? 200,
    errorBody(id, error.code, error.message, error.options.data),
    error.options.headers,
  );
}

/** The JSON-RPC error object of `error`, for an SSE event. */
export function rpcErrorEvent(id: JsonRpcId, error: RpcError) {
  return errorBody(id, error.code, error.message, error.options.data);
}

/**
 * A gateway refusal as HTTP carries it: 401 with one `WWW-Authenticate` challenge per auth method, 403 for
 * credentials that may not do this, 429 with `Retry-After` and the rate-limit headers.
 */
export function refusalError(refusal: Refusal): RpcError {
  switch (refusal.kind) {
    case 'unauthenticated':
      return new RpcError(RPC.SERVER_ERROR, refusal.message, {
        status: refusal.status,
        headers: refusal.challenges.map((challenge): [string, string] => ['www-authenticate', challenge]),
      });
    case 'forbidden':
      return new RpcError(RPC.SERVER_ERROR, refusal.message, { status: 403 });
    case 'rate_limited':
      return new RpcError(RPC.SERVER_ERROR, refusal.message, {
        status: 429,
        headers: Object.entries(refusal.headers),
        data: { retryAfterSeconds: refusal.retryAfterSeconds },
      });
  }
}

function validId(id: unknown): id is JsonRpcId {
  return (typeof id === 'string' && id.length <= MAX_STRING_ID_LENGTH) || Number.isSafeInteger(id);
}

function invalidRequest(message: string): RpcError {
  return new RpcError(RPC.INVALID_REQUEST, `Invalid request: ${message}`, { status: 400 });
}

/**
 * Reads one JSON-RPC 2.0 request from the body (depth-limited by the shared reader). What no A2A binding
 * accepts is refused with a 400 and a JSON-RPC error: bad JSON (-32700), batches, anything but a request
 * object, ids that are neither short strings nor safe integers (a huge number would not survive the round
 * trip), and notifications: every A2A method answers, and a tool call no one hears about helps nobody.
 */
export async function readRpcRequest(
  request: Request,
): Promise<{ ok: true; value: RpcRequest } | { ok: false; id: JsonRpcId | null; error: RpcError }> {
  const body = await readJsonObject(request);
  if (!body.ok) {
    // The shared reader tells its three refusals apart only by message: not JSON, too deep, or not an object.
    if (/not valid JSON/.test(body.message)) {
      return {
        ok: false,
        id: null,
        error: new RpcError(RPC.PARSE_ERROR, 'Parse error: the body is not valid JSON', { status: 400 }),
      };
    }
    const message = /deeper/.test(body.message)
      ? body.message
      : 'the body must be one JSON-RPC request object (batches are not supported)';
    return { ok: false, id: null, error: invalidRequest(message) };
  }
  const value = body.value;
  const id = validId(value.id) ? value.id : null;
  if (value.jsonrpc !== '2.0') return { ok: false, id, error: invalidRequest('"jsonrpc" must be "2.0"') };
  if (id === null) {
    return {
      ok: false,
      id,
      error: invalidRequest(
        `"id" must be a string of at most ${MAX_STRING_ID_LENGTH} characters or a safe integer`,
      ),
    };
  }
  if (
    typeof value.method !== 'string' ||
    value.method.length === 0 ||
    value.method.length > MAX_METHOD_LENGTH
  ) {
    return {
      ok: false,
      id,
      error: invalidRequest(`"method" must be a string of 1 to ${MAX_METHOD_LENGTH} characters`),
    };
  }
  const params = value.params ?? {};
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    return {
      ok: false,
      id,
      error: new RpcError(RPC.INVALID_PARAMS, 'Invalid params: "params" must be an object'),
    };
  }
  return { ok: true, value: { id, method: value.method, params: params as Record<string, unknown> } };
}
