import { createHash } from 'node:crypto';
import type { AppDeps } from '../../context.ts';
import { createA2aTaskWriter } from '../../services/a2a-tasks.ts';
import type { GatewaySession } from '../gateway-session.ts';
import type { ProtocolAdapter } from '../host.ts';
import { buildAgentCard } from './agent-card.ts';
import { RPC, RpcError, readRpcRequest, refusalError, rpcErrorResponse } from './json-rpc.ts';
import { A2A_METHODS } from './methods.ts';
import type { TaskRuntime } from './task-runner.ts';

const CARD_PATHS = new Set(['/.well-known/agent-card.json', '/.well-known/agent.json']);
const SUPPORTED_VERSION = /^(0\.3|1\.0)(\.\d+)?$/;
const CARD_MAX_AGE_SECONDS = 60;

/** The `A2A-Version` the client names (header, or query parameter as the spec allows), or '' for none. */
function requestedVersion(request: Request): string {
  return (
    request.headers.get('a2a-version') ??
    new URL(request.url).searchParams.get('A2A-Version') ??
    ''
  ).trim();
}

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * The agent card: v1.0-shaped for clients that ask for 1.0 or later, otherwise (no version means 0.3) the
 * v0.3 shape with the v1.0 interfaces embedded. Public and cacheable, with an ETag for revalidation.
 */
function cardResponse(session: GatewaySession): Response {
  const { request, gateway } = session;
  const major = Number.parseInt(requestedVersion(request).split('.')[0] ?? '', 10);
  const body = JSON.stringify(buildAgentCard(gateway, major >= 1 ? '1.0' : '0.3'));
  const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = new Headers({
    'content-type': 'application/json',
    'cache-control': `public, max-age=${CARD_MAX_AGE_SECONDS}`,
    etag,
    vary: 'A2A-Version',
    // Discovery documents are public; browser-based agent tools may read them from any origin.
    'access-control-allow-origin': '*',
  });
  const known =
    request.headers
      .get('if-none-match')
      ?.split(',')
      .map((tag) => tag.trim()) ?? [];
  if (known.includes(etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers });
}

/**
 * One JSON-RPC request. Unauthenticated callers are refused before their body is judged; then the
 * envelope, the protocol version and the method are checked, and the method's own scope is required.
 */
async function serveRpc(session: GatewaySession, runtime: TaskRuntime): Promise<Response> {
  const { request, gateway } = session;
  // Requiring JSON also keeps browsers from posting here cross-origin without a preflight, which matters
  // for basic-auth gateways whose credentials a browser may have cached.
  if (!isJson(request.headers.get('content-type'))) {
    return rpcErrorResponse(
      null,
      new RpcError(RPC.INVALID_REQUEST, 'Unsupported Media Type: send Content-Type: application/json', {
        status: 415,
      }),
    );
  }
  const gate = await session.require('tools:read');
  if (!gate.ok && gate.refusal.kind === 'unauthenticated')
    return rpcErrorResponse(null, refusalError(gate.refusal));
  const parsed = await readRpcRequest(request);
  if (!parsed.ok) return rpcErrorResponse(parsed.id, parsed.error);
  const rpc = parsed.value;
  const version = requestedVersion(request);
  if (version !== '' && !SUPPORTED_VERSION.test(version)) {
    return rpcErrorResponse(
      rpc.id,
      new RpcError(
        RPC.VERSION_NOT_SUPPORTED,
        `A2A-Version ${version.slice(0, 20)} is not supported: this agent speaks 1.0 and 0.3`,
      ),
    );
  }
  const method = A2A_METHODS.get(rpc.method);
  if (!method) {
    return rpcErrorResponse(rpc.id, new RpcError(RPC.METHOD_NOT_FOUND, `Method not found: ${rpc.method}`));
  }
  const access = await session.require(method.scope);
  if (!access.ok) return rpcErrorResponse(rpc.id, refusalError(access.refusal));
  const scope = {
    gatewayId: gateway.id,
    organizationId: gateway.organizationId,
    callerKey: access.caller.rateKey,
  };
  try {
    return await method.handler({ session, runtime, dialect: method.dialect, rpc, scope });
  } catch (error) {
    if (error instanceof RpcError) return rpcErrorResponse(rpc.id, error);
    console.error(`A2A ${rpc.method} failed unexpectedly:`, error);
    return rpcErrorResponse(rpc.id, new RpcError(RPC.INTERNAL_ERROR, 'Internal error', { status: 500 }));
  }
}

/**
 * Serves `type: a2a` gateways: the agent card at `/.well-known/agent-card.json`, `/.well-known/agent.json`
 * and on GET of the gateway URL, and JSON-RPC 2.0 on POST to the gateway URL, with the v1.0 and v0.3
 * method names side by side. Tasks are stored, scoped to the gateway and the caller, so any instance can
 * answer for them.
 *
 * @example
 * const adapters = { a2a: createA2aAdapter(deps) };
 * // POST /acme/agents  {"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{…}}}
 */
export function createA2aAdapter(deps: AppDeps): ProtocolAdapter {
  const runtime: TaskRuntime = { db: deps.db, tasks: createA2aTaskWriter(deps.db), running: new Map() };
  return {
    async handle(session, subpath) {
      const path = subpath.endsWith('/') ? subpath.slice(0, -1) : subpath;
      // HEAD is GET without a body; the HTTP server drops the body itself.
      const method = session.request.method === 'HEAD' ? 'GET' : session.request.method;
      if (CARD_PATHS.has(path) || (path === '' && method === 'GET')) {
        if (method === 'GET') return cardResponse(session);
        return rpcErrorResponse(
          null,
          new RpcError(RPC.INVALID_REQUEST, 'The agent card is read with GET', {
            status: 405,
            headers: [['allow', 'GET, HEAD']],
          }),
        );
      }
      if (path !== '') {
        return rpcErrorResponse(
          null,
          new RpcError(RPC.INVALID_REQUEST, 'Not found: JSON-RPC requests go to the gateway URL itself', {
            status: 404,
          }),
        );
      }
      if (method !== 'POST') {
        return rpcErrorResponse(
          null,
          new RpcError(RPC.INVALID_REQUEST, 'Use POST for JSON-RPC, GET for the agent card', {
            status: 405,
            headers: [['allow', 'GET, HEAD, POST']],
          }),
        );
      }
      return serveRpc(session, runtime);
    },
    unavailable(_gateway, message) {
      return rpcErrorResponse(null, new RpcError(RPC.SERVER_ERROR, message, { status: 503 }));
    },
  };
}
