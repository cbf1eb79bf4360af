import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  connectLegacyClient,
  createMcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  LEGACY_VERSION,
  type McpGateway,
  modernRequest,
  POST_HEADERS,
  send,
  serveItems,
  TEST_ENV,
} from './mcp-fixtures.ts';

const APP_ORIGIN = 'https://app.example.com';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: McpGateway;
let auth: Record<string, string>;

const LIST = { jsonrpc: '2.0', id: 3, method: 'tools/list' };

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Transport');
  gateway = await createMcpGateway(t.app, owner, t.url, {
    endpoint: '/web',
    configuration: { allowedOrigins: [APP_ORIGIN] },
  });
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  auth = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

async function setStatus(status: string): Promise<void> {
  expectOk(await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, { caller: owner.caller, body: { status } }));
}

describe('Origin validation', () => {
  it.each([
    'https://evil.example',
    'http://app.example.com',
    'https://app.example.com:8443',
    'null',
    'not a url',
  ])('answers 403 to Origin %s, before looking at credentials', async (origin) => {
    for (const headers of [{ ...auth, origin }, { origin }]) {
      const answer = await send(gateway.url, { body: LIST, headers });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
      expect(answer.body.error.message).toContain('allowedOrigins');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('serves an allowed origin, with CORS headers a browser client needs', async () => {
    const answer = await send(gateway.url, { body: LIST, headers: { ...auth, origin: APP_ORIGIN } });
    expect(answer.status).toBe(200);
    expect(answer.body.result.tools).toHaveLength(1);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(answer.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const refused = await send(gateway.url, { body: LIST, headers: { origin: APP_ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  it('answers the preflight of an allowed origin and refuses others', async () => {
    const preflight = await send(gateway.url, {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key, mcp-protocol-version',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'content-type, x-api-key, mcp-protocol-version',
    );
    const refused = await send(gateway.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
  });

  it('serves requests without Origin (every non-browser client)', async () => {
    expect((await send(gateway.url, { body: LIST, headers: auth })).status).toBe(200);
  });
});

describe('a stateless endpoint', () => {
  it.each(['GET', 'DELETE', 'PUT', 'PATCH'])('answers %s with 405 and Allow: POST', async (method) => {
    const answer = await send(gateway.url, {
      method,
      headers: {
        ...auth,
        accept: 'text/event-stream',
        'mcp-session-id': 'anything',
        'mcp-protocol-version': LEGACY_VERSION,
      },
    });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toContain('POST');
    expect(answer.body.error.code).toBe(-32000);
  });

  it('issues no session id and needs none: any request stands on its own', async () => {
    const init = await send(gateway.url, {
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: LEGACY_VERSION,
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      headers: auth,
    });
    expect(init.status).toBe(200);
    expect(init.body.result.protocolVersion).toBe(LEGACY_VERSION);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const call = await send(gateway.url, {
      body: {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'get_item', arguments: { id: '5' } },
      },
      headers: { ...auth, 'mcp-protocol-version': LEGACY_VERSION, 'mcp-session-id': 'made-up' },
    });
    expect(call.body.result.structuredContent).toEqual({ id: '5', name: 'Item 5', tags: ['alpha', 'beta'] });
  });

  it('acknowledges notifications and posted responses with 202', async () => {
    const notification = await send(gateway.url, {
      body: { jsonrpc: '2.0', method: 'notifications/initialized' },
      headers: { ...auth, 'mcp-protocol-version': LEGACY_VERSION },
    });
    expect(notification.status).toBe(202);
    const response = await send(gateway.url, { body: { jsonrpc: '2.0', id: 9, result: {} }, headers: auth });
    expect(response.status).toBe(202);
  });

  it('answers 404 under the gateway URL, and serves the /mcp alias', async () => {
    expect((await send(`${gateway.url}/anything`, { body: LIST, headers: auth })).status).toBe(404);
    const alias = gateway.url.replace(t.url, `${t.url}/mcp`);
    expect((await send(alias, { body: LIST, headers: auth })).body.result.tools).toHaveLength(1);
  });

  it('answers server/discover of a 2026 client with the configured identity', async () => {
    const request = modernRequest('server/discover', {});
    const answer = await send(gateway.url, { body: request.body, headers: { ...request.headers, ...auth } });
    expect(answer.status).toBe(200);
    expect(answer.body.result.supportedVersions).toContain('2026-07-28');
    expect(answer.body.result.capabilities).toEqual({ tools: {} });
    expect(answer.body.result._meta['io.modelcontextprotocol/serverInfo'].name).toBe('MCP /web');
  });

  it('announces the gateway name and description when no serverName or instructions are configured', async () => {
    const plain = await createMcpGateway(t.app, owner, t.url, { description: 'Everything about orders' });
    await addAuthMethod(t.app, owner, plain.id, 'none');
    const init = await send(plain.url, {
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: LEGACY_VERSION,
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
    });
    expect(init.body.result.serverInfo.name).toMatch(/^MCP \/mcp-\d+$/);
    expect(init.body.result.instructions).toBe('Everything about orders');
    expect(init.body.result.capabilities).toEqual({ tools: {} });
  });

  it('refuses change subscriptions rather than holding a stream open', async () => {
    const request = modernRequest('subscriptions/listen', { filter: { toolsListChanged: true } });
    const answer = await send(gateway.url, { body: request.body, headers: { ...request.headers, ...auth } });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe(-32601);
  });
});

describe('gateway availability', () => {
  it.each(['inactive', 'maintenance'])(
    'answers 503 with a JSON-RPC error while the gateway is %s',
    async (status) => {
      await setStatus(status);
      try {
        for (const headers of [auth, {}]) {
          const answer = await send(gateway.url, { body: LIST, headers });
          expect(answer.status).toBe(503);
          expect(answer.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
          expect(answer.body.error.message).toContain(status);
        }
        await expect(connectLegacyClient(gateway.url, auth)).rejects.toThrow();
      } finally {
        await setStatus('active');
      }
      expect((await send(gateway.url, { body: LIST, headers: auth })).status).toBe(200);
    },
  );
});

describe('a client that hangs up', () => {
  it.each(['legacy', 'modern'] as const)(
    'cancels its tool call upstream (%s era), which is recorded once',
    async (era) => {
      const name = `slow_${era}`;
      const tool = await addTool(t.app, owner, gateway.id, {
        ...itemTool(upstream, name, '/hang'),
        executionConfig: { method: 'GET', url: upstream.url(`/hang?era=${era}`), timeout: 120_000 },
      });
      const hangsBefore = upstream.requestsTo('/hang').length;
      const request =
        era === 'modern'
          ? modernRequest('tools/call', { name, arguments: { id: '1' } })
          : {
              body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { id: '1' } } },
              headers: { 'mcp-protocol-version': LEGACY_VERSION },
            };
      const controller = new AbortController();
      const pending = fetch(gateway.url, {
        method: 'POST',
        headers: { ...POST_HEADERS, ...request.headers, ...auth },
        body: JSON.stringify(request.body),
        signal: controller.signal,
      });
      await vi.waitFor(() => expect(upstream.requestsTo('/hang').length).toBe(hangsBefore + 1), {
        timeout: 10_000,
      });
      controller.abort();
      await expect(pending).rejects.toThrow();
      await vi.waitFor(
        async () => {
          const records = (await executionsOf(t.app, gateway.id)).filter(
            (record) => record.toolId === tool.id,
          );
          expect(records).toHaveLength(1);
          expect(records[0]).toMatchObject({ source: 'mcp', success: false, errorCode: 'CANCELLED' });
        },
        { timeout: 10_000 },
      );
    },
  );
});
