import { createServer } from 'node:net';
import type { App } from '../../../server/app.ts';
import { type Account, createGateway, createTool } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import type { UpstreamServer } from '../../helpers/upstream-server.ts';

export const TEST_ENV = { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32', MANAGEMENT_RATE_LIMIT: '1000000' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The app on a real port whose PUBLIC_URL is that port, so the call templates of a served UTCP manual
 * point at a reachable server (PUBLIC_URL is fixed when the app is built, hence the port chosen first).
 */
export async function createPublicTestApp(): Promise<TestApp> {
  const port = await freePort();
  const t = await createTestApp({ env: { ...TEST_ENV, PUBLIC_URL: `http://127.0.0.1:${port}` } });
  const url = await t.app.start(port, '127.0.0.1');
  return { ...t, url };
}

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

/** A tool as the management API creates it. */
export interface ToolDefinition {
  name: string;
  description: string;
  type: string;
  parameters: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  executionConfig: Record<string, unknown>;
}

/** An http tool calling `GET <upstream>/items?id=<id>` (see serveItems). */
export function itemTool(upstream: UpstreamServer, name = 'get_item', path = '/items'): ToolDefinition {
  return {
    name,
    description: 'Fetches an item by id',
    type: 'http',
    parameters: {
      type: 'object',
      properties: { id: { type: 'string', description: 'Item id' } },
      required: ['id'],
      additionalProperties: false,
    },
    executionConfig: { method: 'GET', url: upstream.url(path), queryParams: { id: '{{parameters.id}}' } },
  };
}

export interface UtcpGateway {
  id: string;
  endpoint: string;
  /** `<base>/<organization slug><endpoint>` on the listening server. */
  url: string;
}

/** A `utcp` gateway of `owner`'s organization, addressed on `baseUrl`. */
export async function createUtcpGateway(
  app: App,
  owner: Account,
  baseUrl: string,
  endpoint?: string,
): Promise<UtcpGateway> {
  const gateway = await createGateway(app, owner.caller, endpoint, 'utcp');
  return {
    id: gateway.id,
    endpoint: gateway.endpoint,
    url: `${baseUrl}/${owner.organizationSlug}${gateway.endpoint}`,
  };
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
  validationRules?: { allowedIpRanges?: string[]; requiredHeaders?: string[] },
): Promise<void> {
  expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth`, {
      caller: owner.caller,
      body: { type, configuration, ...(validationRules ? { validationRules } : {}) },
    }),
    201,
  );
}

/** Issues a gateway key (default scopes `tools:read` and `tools:execute`). */
export async function issueKey(
  app: App,
  owner: Account,
  gatewayId: string,
  options: { scopes?: string[]; expiresAt?: string } = {},
): Promise<{ id: string; key: string }> {
  const created = expectOk(
    await rest(app, 'POST', `/gateways/${gatewayId}/auth/api-keys`, {
      caller: owner.caller,
      body: { name: 'agent', ...options },
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

export interface HttpAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON; tests read the fields they assert
  body: any;
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
  let parsed: unknown = text;
  if (response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed };
}
