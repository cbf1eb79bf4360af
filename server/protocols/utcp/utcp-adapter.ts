import type { GatewayTool } from '../gateway-registry.ts';
import type { GatewaySession } from '../gateway-session.ts';
import type { ProtocolAdapter } from '../host.ts';
import { invokeRoute, toolNotFound } from './invoke-route.ts';
import { buildUtcpManual } from './utcp-manual.ts';
import { refusalResponse, utcpError, utcpJson } from './utcp-responses.ts';

type Route =
  | { kind: 'manual' | 'list' | 'health'; method: 'GET' }
  | { kind: 'describe'; method: 'GET'; tool: string }
  | { kind: 'invoke'; method: 'POST'; tool: string };

/** A malformed escape stays as sent: it names no tool, so the answer is TOOL_NOT_FOUND. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Which route `subpath` names, or null; a trailing slash is tolerated. */
function routeOf(subpath: string): Route | null {
  const path = subpath.endsWith('/') ? subpath.slice(0, -1) : subpath;
  if (path === '' || path === '/.well-known/utcp') return { kind: 'manual', method: 'GET' };
  if (path === '/tools') return { kind: 'list', method: 'GET' };
  if (path === '/health') return { kind: 'health', method: 'GET' };
  const match = /^\/tools\/([^/]+)(\/invoke)?$/.exec(path);
  if (!match) return null;
  const tool = decodeSegment(match[1]!);
  return match[2] ? { kind: 'invoke', method: 'POST', tool } : { kind: 'describe', method: 'GET', tool };
}

function toolView(tool: GatewayTool) {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}

/**
 * The manual lists the gateway's tools, which is exactly what `tools:read` guards on `/tools`: serving it
 * without credentials would undo that scope and the per-tool scope policy. So unlike an A2A agent card it
 * is not public; a UTCP client sends the same credentials when it registers the manual as when it calls.
 */
async function manual(session: GatewaySession): Promise<Response> {
  const listing = await session.listTools();
  if (!listing.ok) return refusalResponse(listing.refusal);
  return utcpJson(200, buildUtcpManual(session.gateway, listing.tools));
}

async function list(session: GatewaySession): Promise<Response> {
  const listing = await session.listTools();
  if (!listing.ok) return refusalResponse(listing.refusal);
  return utcpJson(200, { tools: listing.tools.map(toolView) });
}

async function describe(session: GatewaySession, name: string): Promise<Response> {
  const found = await session.describeTool(name);
  if (!found.ok) return refusalResponse(found.refusal);
  if (!found.tool) return toolNotFound(name);
  const { outputSchema, deprecated } = found.tool;
  return utcpJson(200, {
    ...toolView(found.tool),
    ...(outputSchema ? { outputSchema } : {}),
    ...(deprecated ? { deprecated } : {}),
  });
}

async function health(session: GatewaySession): Promise<Response> {
  const access = await session.require('gateway:read');
  if (!access.ok) return refusalResponse(access.refusal);
  const { gateway } = session;
  return utcpJson(200, {
    status: 'healthy',
    gateway: {
      id: gateway.id,
      name: gateway.name,
      type: gateway.type,
      status: gateway.status,
      url: gateway.url,
    },
    toolCount: gateway.tools.length,
    timestamp: new Date().toISOString(),
  });
}

/**
 * UTCP at a gateway URL: the manual at the URL itself and at `/.well-known/utcp`, `GET /tools`,
 * `GET /tools/:name`, `POST /tools/:name/invoke` and `GET /health`, with errors as
 * `{ error: { code, message } }`.
 *
 * @example
 * const adapters = { utcp: createUtcpAdapter() };
 * // GET /acme/prod-tools/tools  (X-API-Key: almyty_gw_…)  →  { tools: [{ name, description, parameters }] }
 */
export function createUtcpAdapter(): ProtocolAdapter {
  return {
    async handle(session, subpath) {
      const route = routeOf(subpath);
      if (!route) {
        return utcpError(404, 'NOT_FOUND', `Nothing at ${subpath.slice(0, 200)} on this UTCP gateway`);
      }
      // HEAD is GET without a body; the HTTP server drops the body itself.
      const method = session.request.method === 'HEAD' ? 'GET' : session.request.method;
      if (method !== route.method) {
        return utcpError(405, 'METHOD_NOT_ALLOWED', `Use ${route.method} here`, {
          headers: [['allow', route.method === 'GET' ? 'GET, HEAD' : 'POST']],
        });
      }
      switch (route.kind) {
        case 'manual':
          return manual(session);
        case 'list':
          return list(session);
        case 'describe':
          return describe(session, route.tool);
        case 'invoke':
          return invokeRoute(session, route.tool, 'utcp');
        case 'health':
          return health(session);
      }
    },
    unavailable(_gateway, message) {
      return utcpError(503, 'GATEWAY_UNAVAILABLE', message);
    },
  };
}
