import { ProtocolErrorCode, type SpecTypeName, specTypeSchemas } from '@modelcontextprotocol/server';

export type JsonRpcId = string | number | null;

/** One JSON-RPC message that passed the checks the SDK should never have to survive. */
export interface InboundMessage {
  body: Record<string, unknown>;
  /** The request id, or null for notifications and responses. */
  id: JsonRpcId;
  /** The method, or null for a posted JSON-RPC response. */
  method: string | null;
}

export type InboundResult = { ok: true; message: InboundMessage } | { ok: false; response: Response };

/**
 * Transport-level refusals (origin, method, auth, rate limits, availability) carry this code from the
 * implementation-defined server-error range; the HTTP status says which one it was, as the SDK's own
 * 405/406/415 answers do.
 */
export const TRANSPORT_ERROR_CODE = -32000;

/** Deeper than any real tool argument needs, and shallow enough for every recursive validator downstream. */
const MAX_NESTING_DEPTH = 32;
const MAX_STRING_ID_LENGTH = 200;
const MAX_METHOD_LENGTH = 200;

/** A JSON-RPC error as an HTTP response: the status carries the transport's verdict, the body the detail. */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: { id?: JsonRpcId; data?: unknown; headers?: HeadersInit } = {},
): Response {
  const body = {
    jsonrpc: '2.0',
    id: options.id ?? null,
    error: { code, message, ...(options.data === undefined ? {} : { data: options.data }) },
  };
  const headers = new Headers(options.headers);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}

function invalid(message: string, id: JsonRpcId = null): InboundResult {
  return {
    ok: false,
    response: jsonRpcErrorResponse(400, ProtocolErrorCode.InvalidRequest, message, { id }),
  };
}

/** Whether `value` nests arrays or objects deeper than `limit`, checked without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

function validId(id: unknown): id is string | number {
  return (typeof id === 'string' && id.length <= MAX_STRING_ID_LENGTH) || Number.isSafeInteger(id);
}

/**
 * Parses a POST body into one JSON-RPC message, refusing what no revision this endpoint serves accepts:
 * bad JSON (-32700), batches (dropped in 2025-06-18; the 2026 revision never had them), anything that is
 * not a JSON-RPC 2.0 object, ids that are neither short strings nor safe integers (MCP forbids null ids,
 * and a huge number would not survive the JSON round trip), and nesting deep enough to exhaust a
 * recursive validator. Every refusal is a 400 with a JSON-RPC error body, never an exception.
 */
export function parseInbound(text: string): InboundResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      ok: false,
      response: jsonRpcErrorResponse(
        400,
        ProtocolErrorCode.ParseError,
        'Parse error: the body is not valid JSON',
      ),
    };
  }
  if (Array.isArray(parsed)) {
    return invalid(
      'JSON-RPC batches are not supported: send one message per request (MCP dropped batching in 2025-06-18)',
    );
  }
  if (parsed === null || typeof parsed !== 'object')
    return invalid('The body must be one JSON-RPC 2.0 message object');
  const body = parsed as Record<string, unknown>;
  const id = validId(body.id) ? body.id : null;
  if (nestsDeeperThan(body, MAX_NESTING_DEPTH)) {
    return invalid(`The message nests objects or arrays deeper than ${MAX_NESTING_DEPTH} levels`, id);
  }
  if (body.jsonrpc !== '2.0') return invalid('The message must carry "jsonrpc": "2.0"', id);
  if ('id' in body && !validId(body.id)) {
    return invalid(`The id must be a string of at most ${MAX_STRING_ID_LENGTH} characters or a safe integer`);
  }
  if ('method' in body) {
    if (
      typeof body.method !== 'string' ||
      body.method.length === 0 ||
      body.method.length > MAX_METHOD_LENGTH
    ) {
      return invalid(`The method must be a string of 1 to ${MAX_METHOD_LENGTH} characters`, id);
    }
    if (
      'params' in body &&
      (body.params === null || typeof body.params !== 'object' || Array.isArray(body.params))
    ) {
      return invalid('The params must be an object', id);
    }
    return { ok: true, message: { body, id, method: body.method } };
  }
  if ('id' in body && ('result' in body || 'error' in body))
    return { ok: true, message: { body, id: null, method: null } };
  return invalid('The message is neither a request, a notification nor a response');
}

/**
 * The spec type of the requests whose params the SDK checks without answering -32602; other methods are
 * the SDK's to check or refuse. `tools/call` is not here: the SDK answers its bad params properly, and it
 * is the hot path. A Map, not an object literal, so a method named `constructor` finds nothing.
 */
const REQUEST_TYPES = new Map<string, SpecTypeName>([
  ['initialize', 'InitializeRequest'],
  ['ping', 'PingRequest'],
  ['server/discover', 'DiscoverRequest'],
  ['tools/list', 'ListToolsRequest'],
]);

/**
 * Checks the params of the requests in REQUEST_TYPES against the spec's own schema. The SDK checks them
 * too, but answers a mistyped `cursor` or `protocolVersion` with -32603 Internal error and a raw issue
 * dump; this answers -32602 naming the field. In-band (HTTP 200), as every revision answers invalid params.
 */
export async function checkParams(message: InboundMessage): Promise<Response | null> {
  const type = message.method !== null && message.id !== null ? REQUEST_TYPES.get(message.method) : undefined;
  if (!type) return null;
  const { method, params } = message.body;
  const result = await specTypeSchemas[type]['~standard'].validate({
    method,
    ...(params === undefined ? {} : { params }),
  });
  if (!result.issues) return null;
  const problems = result.issues.slice(0, 5).map((issue) => {
    const path = (issue.path ?? [])
      .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
      .join('.');
    return `${path || 'params'}: ${issue.message}`;
  });
  return jsonRpcErrorResponse(
    200,
    ProtocolErrorCode.InvalidParams,
    `Invalid params: ${problems.join('; ')}`,
    { id: message.id },
  );
}
