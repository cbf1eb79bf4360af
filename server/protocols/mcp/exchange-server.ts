import { type AuthInfo, ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import type { GatewaySession, Refusal } from '../gateway-session.ts';
import { TRANSPORT_ERROR_CODE } from './json-rpc.ts';
import { decodeCursor, pageSizeOf, toolPage } from './tool-listing.ts';
import { toCallToolResult } from './tool-results.ts';

/** Announced as `serverInfo.version`: the version of Toolgate's MCP implementation. */
const IMPLEMENTATION_VERSION = '0.1.0';

/** One HTTP exchange with the MCP endpoint: the authenticated session, and what a handler was refused. */
export interface McpExchange {
  session: GatewaySession;
  /**
   * Set when a handler met a refusal HTTP must carry (a per-tool rate limit). The handler still answers
   * with an in-band JSON-RPC error, which the adapter then replaces by the refusal's status and headers.
   */
  refusal: Refusal | null;
}

/**
 * Wraps an exchange in the `AuthInfo` the SDK hands, untouched, to the server factory: its only
 * per-request channel. The credentials were already checked by the gateway session, so no token is
 * passed on.
 */
export function exchangeAuthInfo(exchange: McpExchange): AuthInfo {
  return { token: '', clientId: '', scopes: [], extra: { exchange } };
}

/** The exchange `exchangeAuthInfo` carried. @throws Error when the SDK called the factory without it. */
export function exchangeOf(authInfo: AuthInfo | undefined): McpExchange {
  const exchange = authInfo?.extra?.exchange as McpExchange | undefined;
  if (!exchange) throw new Error('MCP server factory called without the exchange of its request');
  return exchange;
}

function refuse(exchange: McpExchange, refusal: Refusal): never {
  exchange.refusal = refusal;
  throw new ProtocolError(TRANSPORT_ERROR_CODE, refusal.message);
}

/**
 * A server for one exchange, built on the low-level `Server` rather than `McpServer`: tools are listed
 * from the gateway's stored JSON Schemas verbatim (McpServer would round-trip them through Standard
 * Schema), and arguments are validated once, by the shared executor, not a second time by the SDK.
 * Serving both eras from the same instance type keeps 2025 and 2026 clients seeing the same tools.
 */
export function createExchangeServer(exchange: McpExchange): Server {
  const { session } = exchange;
  const { gateway } = session;
  const { serverName, instructions } = gateway.configuration;
  const serverInstructions =
    typeof instructions === 'string' ? instructions : (gateway.description ?? undefined);
  const server = new Server(
    { name: typeof serverName === 'string' ? serverName : gateway.name, version: IMPLEMENTATION_VERSION },
    { capabilities: { tools: {} }, ...(serverInstructions ? { instructions: serverInstructions } : {}) },
  );

  server.setRequestHandler('tools/list', async (request) => {
    const listing = await session.listTools();
    if (!listing.ok) refuse(exchange, listing.refusal);
    // Read defensively: the SDK hands params on without checking their types.
    const cursor: unknown = request.params?.cursor;
    const after = typeof cursor === 'string' ? decodeCursor(cursor) : null;
    if (cursor !== undefined && after === null) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        'Invalid cursor: pass the nextCursor of a previous tools/list answer',
      );
    }
    return toolPage(listing.tools, after, pageSizeOf(gateway));
  });

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const { name, arguments: args } = request.params;
    const invoked = await session.invoke(name, args ?? {}, 'mcp', ctx.mcpReq.signal);
    switch (invoked.kind) {
      case 'done':
        return toCallToolResult(invoked.outcome);
      case 'not_found':
        // Unassigned, disabled, inactive and scope-hidden tools answer exactly like a name found nowhere.
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, invoked.message);
      default:
        return refuse(exchange, invoked);
    }
  });

  return server;
}
