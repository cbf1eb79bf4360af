import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'vitest';
import type { App } from '../../../server/app.ts';
import { type Account, createTool } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import type { UpstreamServer } from '../../helpers/upstream-server.ts';

/** Management traffic and gateway traffic share the per-address limit; tests send plenty of both. */
export const TEST_ENV = { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32', MANAGEMENT_RATE_LIMIT: '1000000' };

export const MODERN_VERSION = '2026-07-28';
export const LEGACY_VERSION = '2025-11-25';

/** Serves `GET /items?id=` on the upstream: `{ id, name, tags }`, the same for every caller. */
export function serveItems(upstream: UpstreamServer): void {
  upstream.route('/items', (request, response) => {
    const id = new URL(request.url ?? '/', 'http://upstream.test').searchParams.get('id');
    const body = JSON.stringify({ id, name: `Item ${id}`, tags: ['alpha', 'beta'] });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
}

/** An http tool calling `GET <upstream><path>?id=<id>` (see serveItems). */
export function itemTool(upstream: UpstreamServer, name: string, path = '/items') {
  return {
    name,
    description: `Fetches an item by id (${name})`,
    type: 'http',
    parameters: {
      type: 'object',
      properties: { id: { type: 'string', description: 'Item id', minLength: 1 } },
      required: ['id'],
      additionalProperties: false,
    },
    executionConfig: { method: 'GET', url: upstream.url(path), queryParams: { id: '{{parameters.id}}' } },
  };
}

export interface McpGateway {
  id: string;
  /** `<base>/<organization slug><endpoint>` on the listening server. */
  url: string;
}

let gatewayCounter = 0;

/** An `mcp` gateway of `owner`'s organization, optionally configured, addressed on `baseUrl`. */
export async function createMcpGateway(
  app: App,
  owner: Account,
  baseUrl: string,
  options: { endpoint?: string; configuration?: Record<string, unknown>; description?: string } = {},
): Promise<McpGateway> {
  const endpoint = options.endpoint ?? `/mcp-${++gatewayCounter}`;
  const gateway = expectOk(
    await rest(app, 'POST', '/gateways', {
      caller: owner.caller,
      body: {
        name: `MCP ${endpoint}`,
        type: 'mcp',
        endpoint,
        ...(options.description ? { description: options.description } : {}),
        ...(options.configuration ? { configuration: options.configuration } : {}),
      },
    }),
    201,
  );
  return { id: gateway.id, url: `${baseUrl}/${owner.organizationSlug}${gateway.endpoint}` };
}

/** Creates `definition` as a tool and assigns it to the gateway, with optional assignment settings. */
export async function addTool(
  app: App,
  owner: Account,
  gatewayId: string,
  definition: ReturnType<typeof itemTool> | Record<string, unknown>,
  settings?: { enabled?: boolean; rateLimit?: number; securityPolicy?: { allowedScopes: string[] } },
): Promise<{ id: string; name: string }> {
  const tool = await createTool(app, owner, definition as ReturnType<typeof itemTool>);
  expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/tools`, {
      caller: owner.caller,
      body: { toolId: tool.id },
    }),
    201,
  );
  if (settings) {
    expectOk(
      await rest(app, 'PATCH', `/gateways/${gatewayId}/tools/${tool.id}`, {
        caller: owner.caller,
        body: settings,
      }),
    );
  }
  return { id: tool.id, name: tool.name };
}

export async function addAuthMethod(
  app: App,
  owner: Account,
  gatewayId: string,
  type: string,
  configuration: Record<string, unknown> = {},
): Promise<{ id: string }> {
  return expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth`, {
      caller: owner.caller,
      body: { type, configuration },
    }),
    201,
  );
}

export async function issueKey(
  app: App,
  owner: Account,
  gatewayId: string,
  scopes = ['tools:read', 'tools:execute'],
): Promise<{ id: string; key: string }> {
  const key = expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth/api-keys`, {
      caller: owner.caller,
      body: { name: 'mcp test', scopes },
    }),
    201,
  );
  return { id: key.id, key: key.key };
}

/** Execution records of a gateway, oldest first, after flushing the recorder's buffer. */
export async function executionsOf(app: App, gatewayId: string) {
  await app.deps.executions.flush();
  return app.deps.db.execution.findMany({ where: { gatewayId }, orderBy: { createdAt: 'asc' } });
}

/** Headers every Streamable HTTP POST carries. */
export const POST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

export interface RawAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON-RPC answers; tests read the fields they assert
  body: any;
  text: string;
}

/** Sends one raw HTTP request to the gateway and reads the answer, JSON or not. */
export async function send(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body);
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { ...(init.method && init.method !== 'POST' ? {} : POST_HEADERS), ...init.headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The per-request `_meta` envelope and headers a 2026-07-28 request carries. */
export function modernRequest(method: string, params: Record<string, unknown>, id: number | string = 1) {
  const headers: Record<string, string> = { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': method };
  if (typeof params.name === 'string') headers['mcp-name'] = params.name;
  return {
    headers,
    body: {
      jsonrpc: '2.0',
      id,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
          'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
  };
}

/** A 2025-11-25 client (the v1 SDK) connected with the `initialize` handshake. */
export async function connectLegacyClient(url: string, headers: Record<string, string>): Promise<ClientV1> {
  const client = new ClientV1({ name: 'legacy-test-client', version: '1.0.0' });
  await client.connect(new TransportV1(new URL(url), { requestInit: { headers } }));
  expect(client.getServerVersion()).toBeDefined();
  return client;
}

/** A 2026-07-28 client (the v2 SDK) pinned to that revision: `server/discover`, then stateless requests. */
export async function connectModernClient(url: string, headers: Record<string, string>): Promise<ClientV2> {
  const client = new ClientV2(
    { name: 'modern-test-client', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN_VERSION } } },
  );
  await client.connect(new TransportV2(new URL(url), { requestInit: { headers } }));
  return client;
}
