import {
  createMcpHandler,
  isJsonContentType,
  isLegacyRequest,
  ProtocolError,
  ProtocolErrorCode,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { AppDeps } from '../../context.ts';
import type { GatewaySession } from '../gateway-session.ts';
import type { ProtocolAdapter } from '../host.ts';
import { createExchangeServer, exchangeAuthInfo, exchangeOf, type McpExchange } from './exchange-server.ts';
import {
  checkParams,
  type InboundMessage,
  jsonRpcErrorResponse,
  parseInbound,
  TRANSPORT_ERROR_CODE,
} from './json-rpc.ts';
import { checkOrigin, preflightResponse, withCors } from './origin.ts';
import { refusalResponse, scopeOf } from './refusals.ts';

// The SDK reports every request it rejected through `onerror` as well; those were the client's mistakes
// and have been answered with a 4xx, so only failures of the server itself are worth a log line.
const CLIENT_MISTAKE = /^(Rejected|Unsupported Media Type|Not Acceptable|Parse error|Invalid Request)/;

function reportUnexpected(error: Error): void {
  if (error instanceof ProtocolError || error.name === 'ZodError' || CLIENT_MISTAKE.test(error.message))
    return;
  console.error('MCP request failed unexpectedly:', error);
}

/**
 * Serves `type: mcp` gateways: Streamable HTTP at the gateway URL, stateless, for both protocol eras at
 * once. A 2026-07-28 request (per-request `_meta` envelope, `server/discover`) goes to the SDK's
 * `createMcpHandler`; a 2025-era request (the `initialize` handshake up to 2025-11-25, then plain
 * requests) to a fresh stateless Streamable HTTP transport answering in JSON. Either way one exchange
 * lives for one HTTP request, so any instance can answer any request.
 *
 * Before the SDK sees anything the adapter checks what the MCP transport leaves to the host: the Origin
 * (403), the HTTP method (405: no SSE stream and no sessions here), the media type (415), the JSON-RPC
 * shape (400 for bad JSON, batches, bad ids, deep nesting) and the gateway credentials with the scope
 * the method needs (401/403 with `WWW-Authenticate`). Refusals that arise while a handler runs (per-tool
 * rate limits) become their HTTP status (429) on the way out.
 *
 * @example
 * const adapters = { mcp: createMcpAdapter(deps) };
 */
export function createMcpAdapter(deps: AppDeps): ProtocolAdapter {
  const maxRequestBodySize = deps.env.MAX_BODY_BYTES;
  const modern = createMcpHandler(({ authInfo }) => createExchangeServer(exchangeOf(authInfo)), {
    legacy: 'reject',
    onerror: reportUnexpected,
    maxRequestBodySize,
  });

  async function serveLegacy(
    request: Request,
    message: InboundMessage,
    exchange: McpExchange,
  ): Promise<Response> {
    const server = createExchangeServer(exchange);
    server.onerror = reportUnexpected;
    // JSON answers rather than SSE: the whole result is known before the response starts, so a refusal met
    // inside the handler can still become an HTTP status.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize,
    });
    await server.connect(transport);
    // A client that hangs up cancels its tool call: closing the server aborts the handler's signal.
    // Once the answer is out nothing is pending and both objects are simply dropped; closing them then
    // would only allocate the "connection closed" error (stack trace included) that rejects pending work.
    const close = () => void server.close().catch(reportUnexpected);
    request.signal.addEventListener('abort', close, { once: true });
    try {
      return await transport.handleRequest(request, {
        parsedBody: message.body,
        authInfo: exchangeAuthInfo(exchange),
      });
    } finally {
      request.signal.removeEventListener('abort', close);
    }
  }

  async function serve(session: GatewaySession, request: Request): Promise<Response> {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return jsonRpcErrorResponse(
        415,
        TRANSPORT_ERROR_CODE,
        'Unsupported Media Type: send Content-Type: application/json',
      );
    }
    const inbound = parseInbound(await request.text());
    if (!inbound.ok) return inbound.response;
    const { message } = inbound;
    const scope = scopeOf(message.method);
    const access = await session.require(scope ?? 'tools:read');
    // Methods without a scope of their own (initialize, ping, discover, notifications) need valid
    // credentials, whatever scopes they carry.
    if (!access.ok && (scope !== null || access.refusal.kind !== 'forbidden')) {
      return refusalResponse(access.refusal, message.id);
    }
    // This server never sends requests, so a posted response answers nothing: accepted and dropped.
    if (message.method === null) return new Response(null, { status: 202 });
    if (message.method === 'subscriptions/listen') {
      // A listen stream would stay open for good on a server that announces no list changes.
      const text = 'Method not found: this server offers no subscriptions';
      return jsonRpcErrorResponse(404, ProtocolErrorCode.MethodNotFound, text, { id: message.id });
    }
    const invalidParams = await checkParams(message);
    if (invalidParams) return invalidParams;
    const exchange: McpExchange = { session, refusal: null };
    const response = (await isLegacyRequest(request, message.body, { maxRequestBodySize }))
      ? await serveLegacy(request, message, exchange)
      : await modern.fetch(request, { parsedBody: message.body, authInfo: exchangeAuthInfo(exchange) });
    if (exchange.refusal) {
      await response.body?.cancel();
      return refusalResponse(exchange.refusal, message.id);
    }
    return response;
  }

  return {
    async handle(session, subpath) {
      const { request, gateway } = session;
      const origin = checkOrigin(request, gateway);
      if (!origin.ok) return jsonRpcErrorResponse(403, TRANSPORT_ERROR_CODE, origin.message);
      if (subpath !== '') {
        return withCors(
          jsonRpcErrorResponse(
            404,
            TRANSPORT_ERROR_CODE,
            'Not found: the MCP endpoint is the gateway URL itself',
          ),
          origin.origin,
        );
      }
      if (request.method === 'OPTIONS') return preflightResponse(request, origin.origin);
      if (request.method !== 'POST') {
        const response = jsonRpcErrorResponse(
          405,
          TRANSPORT_ERROR_CODE,
          'Method not allowed: this stateless MCP endpoint takes POST only (it offers no SSE stream and no sessions)',
          { headers: { allow: 'POST, OPTIONS' } },
        );
        return withCors(response, origin.origin);
      }
      return withCors(await serve(session, request), origin.origin);
    },
    unavailable(_gateway, message) {
      return jsonRpcErrorResponse(503, TRANSPORT_ERROR_CODE, message);
    },
  };
}
