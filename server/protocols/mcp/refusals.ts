import type { GatewayScope } from '../gateway-auth.ts';
import type { Refusal } from '../gateway-session.ts';
import { type JsonRpcId, jsonRpcErrorResponse, TRANSPORT_ERROR_CODE } from './json-rpc.ts';

/** The scope a method needs; null for methods any authenticated caller may use (initialize, ping, discover). */
export function scopeOf(method: string | null): GatewayScope | null {
  if (method === 'tools/list') return 'tools:read';
  if (method === 'tools/call') return 'tools:execute';
  return null;
}

/**
 * A refusal as MCP's HTTP transport carries it: 401 with one `WWW-Authenticate` challenge per auth method
 * (what MCP clients read to start authorizing), 403 for valid credentials that may not do this, 429 with
 * `Retry-After` and the rate-limit headers; a JSON-RPC error body with the request's id in every case.
 */
export function refusalResponse(refusal: Refusal, id: JsonRpcId): Response {
  switch (refusal.kind) {
    case 'unauthenticated': {
      const headers = new Headers();
      for (const challenge of refusal.challenges) headers.append('www-authenticate', challenge);
      return jsonRpcErrorResponse(refusal.status, TRANSPORT_ERROR_CODE, refusal.message, { id, headers });
    }
    case 'forbidden':
      return jsonRpcErrorResponse(403, TRANSPORT_ERROR_CODE, refusal.message, { id });
    case 'rate_limited':
      return jsonRpcErrorResponse(429, TRANSPORT_ERROR_CODE, refusal.message, {
        id,
        headers: refusal.headers,
        data: { retryAfterSeconds: refusal.retryAfterSeconds },
      });
  }
}
