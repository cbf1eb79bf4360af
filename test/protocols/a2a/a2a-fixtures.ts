import { createServer } from 'node:net';
import { SendMessageRequest } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import type { App } from '../../../server/app.ts';
import { type Account, createGateway, createTool } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import type { UpstreamServer } from '../../helpers/upstream-server.ts';

/** Management traffic and gateway traffic share the per-address limit; tests send plenty of both. */
export const TEST_ENV = { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32', MANAGEMENT_RATE_LIMIT: '1000000' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The app on a real port whose PUBLIC_URL is that port, so the interfaces an agent card advertises are
 * reachable (PUBLIC_URL is fixed when the app is built, hence the port chosen first).
 */
export async function createPublicTestApp(options: { databaseUrl?: string } = {}): Promise<TestApp> {
  const port = await freePort();
  const t = await createTestApp({
    env: { ...TEST_ENV, PUBLIC_URL: `http://127.0.0.1:${port}` },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const url = await t.app.start(port, '127.0.0.1');
  return { ...t, url };
}

/** Serves `GET /items?id=` on the upstream: `{ id, name, tags }`, the same for every caller. */
export function serveItems(upstream: UpstreamServer, path = '/items'): void {
  upstream.route(path, (request, response) => {
    const id = new URL(request.url ?? '/', 'http://upstream.test').searchParams.get('id');
    const body = JSON.stringify({ id, name: `Item ${id}`, tags: ['alpha', 'beta'] });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
}

/** A tool as the management API creates it. */
export interface ToolDefinition {
  name: string;
  description: string;
  type: string;
  parameters: Record<string, unknown>;
  executionConfig: Record<string, unknown>;
}

/** An http tool calling `GET <upstream><path>?id=<id>`. */
export function itemTool(upstream: UpstreamServer, name = 'get_item', path = '/items'): ToolDefinition {
  return {
    name,
    description: 'Fetches an item by id',
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

export interface A2aGateway {
  id: string;
  /** `<base>/<organization slug><endpoint>` on the listening server. */
  url: string;
}

/** An `a2a` gateway of `owner`'s organization, optionally configured, addressed on `baseUrl`. */
export async function createA2aGateway(
  app: App,
  owner: Account,
  baseUrl: string,
  options: { configuration?: Record<string, unknown>; description?: string } = {},
): Promise<A2aGateway> {
  const endpoint = `/a2a-${Math.random().toString(36).slice(2, 10)}`;
  const gateway =
    options.configuration || options.description
      ? expectOk(
          await rest(app, 'POST', '/gateways', {
            caller: owner.caller,
            body: { name: 'Agent gateway', type: 'a2a', endpoint, ...options },
          }),
          201,
        )
      : await createGateway(app, owner.caller, endpoint, 'a2a');
  return { id: gateway.id, url: `${baseUrl}/${owner.organizationSlug}${gateway.endpoint}` };
}

/** Creates `definition` as a tool and assigns it to the gateway, with optional assignment settings. */
export async function addTool(
  app: App,
  owner: Account,
  gatewayId: string,
  definition: ToolDefinition,
  settings?: { enabled?: boolean; rateLimit?: number; securityPolicy?: { allowedScopes: string[] } },
): Promise<{ id: string; name: string }> {
  const tool = await createTool(app, owner, definition);
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
  return tool;
}

/** Adds an auth method (tried after the existing ones). */
export async function addAuthMethod(
  app: App,
  owner: Account,
  gatewayId: string,
  type: string,
  configuration: Record<string, unknown> = {},
): Promise<void> {
  expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth`, {
      caller: owner.caller,
      body: { type, configuration },
    }),
    201,
  );
}

/** Issues a gateway key (default scopes `tools:read` and `tools:execute`). */
export async function issueKey(
  app: App,
  owner: Account,
  gatewayId: string,
  scopes?: string[],
): Promise<{ id: string; key: string }> {
  const created = expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth/api-keys`, {
      caller: owner.caller,
      body: { name: 'agent', ...(scopes ? { scopes } : {}) },
    }),
    201,
  );
  return { id: created.id, key: created.key };
}

/** The execution records of a gateway, oldest first, once buffered records are written. */
export async function executionsOf(app: App, gatewayId: string) {
  await app.deps.executions.flush();
  return app.deps.db.execution.findMany({ where: { gatewayId }, orderBy: { createdAt: 'asc' } });
}

/** `fetch` that sends a gateway key with every request, as an agent configured with one does. */
export function fetchWithKey(key: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-api-key', key);
    return fetch(input, { ...init, headers });
  };
}

/**
 * An A2A v1.0 SDK client built the way agents build one: from the agent card the gateway serves. The card
 * is public; the key goes with the JSON-RPC calls. The SDK resolves the card path against the URL, hence
 * the trailing slash.
 */
export async function sdkClient(gatewayUrl: string, key: string): Promise<Client> {
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl: fetchWithKey(key) })],
      cardResolver: new DefaultAgentCardResolver(),
    }),
  );
  return factory.createFromUrl(`${gatewayUrl}/`);
}

/** A v1.0 SendMessage request whose message names `tool` with a data part. */
export function callRequest(
  tool: string,
  args: unknown,
  configuration: Record<string, unknown> = {},
): SendMessageRequest {
  return SendMessageRequest.fromJSON({
    message: {
      messageId: `m-${Math.random().toString(36).slice(2)}`,
      role: 'ROLE_USER',
      parts: [{ data: { tool, arguments: args } }],
    },
    configuration,
  });
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON; tests read the fields they assert
  body: any;
  text: string;
}

/** A plain HTTP request, as curl would send it; the answer's body parsed as JSON when it is JSON. */
export async function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpAnswer> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.text();
  const parsed = response.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body: parsed, text };
}

let rpcCounter = 0;

/** One JSON-RPC request to the gateway URL. */
export function rpc(
  url: string,
  method: string,
  params: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return send(url, { body: { jsonrpc: '2.0', id: ++rpcCounter, method, params }, headers });
}

/** The `data:` payloads of an SSE body, parsed. */
// biome-ignore lint/suspicious/noExplicitAny: events are JSON; tests read the fields they assert
export function sseEvents(text: string): any[] {
  return text
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data));
}

/** A message naming `tool` in the v0.3 wire format. */
export function v03Message(tool: string, args: unknown) {
  return {
    kind: 'message',
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    role: 'user',
    parts: [{ kind: 'data', data: { tool, arguments: args } }],
  };
}

/** A message naming `tool` in the v1.0 wire format. */
export function v1Message(tool: string, args: unknown) {
  return {
    messageId: `m-${Math.random().toString(36).slice(2)}`,
    role: 'ROLE_USER',
    parts: [{ data: { tool, arguments: args } }],
  };
}
