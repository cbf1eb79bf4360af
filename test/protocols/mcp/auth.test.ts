import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  connectLegacyClient,
  connectModernClient,
  createMcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  LEGACY_VERSION,
  type McpGateway,
  modernRequest,
  type RawAnswer,
  send,
  serveItems,
  TEST_ENV,
} from './mcp-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: McpGateway;
let other: McpGateway;
let key: { id: string; key: string };

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Auth');
  gateway = await createMcpGateway(t.app, owner, t.url, { endpoint: '/guarded' });
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = await issueKey(t.app, owner, gateway.id);
  other = await createMcpGateway(t.app, owner, t.url, { endpoint: '/other' });
  await addAuthMethod(t.app, owner, other.id, 'api_key');
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

type Era = 'legacy' | 'modern';

/** One raw JSON-RPC request in the given era's wire form. */
function call(
  url: string,
  era: Era,
  method: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  if (era === 'modern') {
    const request = modernRequest(method, params, 7);
    return send(url, { body: request.body, headers: { ...request.headers, ...headers } });
  }
  return send(url, {
    body: { jsonrpc: '2.0', id: 7, method, params },
    headers: { 'mcp-protocol-version': LEGACY_VERSION, ...headers },
  });
}

const callItem = (url: string, era: Era, headers: Record<string, string> = {}) =>
  call(url, era, 'tools/call', { name: 'get_item', arguments: { id: '1' } }, headers);

function expectRefused(answer: RawAnswer, status: number): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body).toMatchObject({
    jsonrpc: '2.0',
    id: 7,
    error: { code: -32000, message: expect.any(String) },
  });
}

function expectChallenge(answer: RawAnswer): void {
  expectRefused(answer, 401);
  expect(answer.headers.get('www-authenticate')).toBe(
    `ApiKey realm="${owner.organizationSlug}/guarded", header="X-API-Key"`,
  );
}

describe.each<Era>(['legacy', 'modern'])('gateway credentials (%s era)', (era) => {
  it('answers 401 with a WWW-Authenticate challenge without credentials, for every method', async () => {
    expectChallenge(await callItem(gateway.url, era));
    expectChallenge(await call(gateway.url, era, 'tools/list', {}));
    const handshake =
      era === 'legacy'
        ? await call(gateway.url, era, 'initialize', {
            protocolVersion: LEGACY_VERSION,
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
          })
        : await call(gateway.url, era, 'server/discover', {});
    expectChallenge(handshake);
  });

  it('answers 401 to a wrong key and to the key of another gateway', async () => {
    expectChallenge(await callItem(gateway.url, era, { 'x-api-key': `${key.key.slice(0, -4)}AAAA` }));
    const otherKey = await issueKey(t.app, owner, other.id);
    expectChallenge(await callItem(gateway.url, era, { 'x-api-key': otherKey.key }));
    expect((await callItem(other.url, era, { 'x-api-key': otherKey.key })).status).toBe(200);
  });

  it('answers 401 as soon as a key is revoked', async () => {
    const doomed = await issueKey(t.app, owner, gateway.id);
    expect((await callItem(gateway.url, era, { 'x-api-key': doomed.key })).status).toBe(200);
    expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/auth/api-keys/${doomed.id}`, {
        caller: owner.caller,
      }),
    );
    expectChallenge(await callItem(gateway.url, era, { 'x-api-key': doomed.key }));
  });

  it('accepts the key as a bearer token too', async () => {
    const answer = await callItem(gateway.url, era, { authorization: `Bearer ${key.key}` });
    expect(answer.body.result.structuredContent).toEqual({
      id: '1',
      name: 'Item 1',
      tags: ['alpha', 'beta'],
    });
  });

  it('lets a key without tools:execute list tools but refuses its calls with 403, running nothing', async () => {
    const reader = await issueKey(t.app, owner, gateway.id, ['tools:read']);
    const listed = await call(gateway.url, era, 'tools/list', {}, { 'x-api-key': reader.key });
    expect(listed.body.result.tools.map((tool: { name: string }) => tool.name)).toEqual(['get_item']);
    const before = (await executionsOf(t.app, gateway.id)).length;
    const refused = await callItem(gateway.url, era, { 'x-api-key': reader.key });
    expectRefused(refused, 403);
    expect(refused.body.error.message).toContain('tools:execute');
    expect(await executionsOf(t.app, gateway.id)).toHaveLength(before);
  });

  it('refuses tools/list with 403 to a key without tools:read, but lets it call', async () => {
    const caller = await issueKey(t.app, owner, gateway.id, ['tools:execute']);
    expectRefused(await call(gateway.url, era, 'tools/list', {}, { 'x-api-key': caller.key }), 403);
    expect(
      (await callItem(gateway.url, era, { 'x-api-key': caller.key })).body.result.isError,
    ).toBeUndefined();
  });
});

describe('clients meeting refusals', () => {
  it('v1 and v2 clients cannot connect without valid credentials', async () => {
    await expect(connectLegacyClient(gateway.url, { 'X-API-Key': 'almyty_gw_wrong' })).rejects.toThrow();
    await expect(connectModernClient(gateway.url, {})).rejects.toThrow();
  });

  it('a v1 client with a read-only key lists tools, and its call is refused', async () => {
    const reader = await issueKey(t.app, owner, gateway.id, ['tools:read']);
    const client = await connectLegacyClient(gateway.url, { 'X-API-Key': reader.key });
    try {
      expect((await client.listTools()).tools).toHaveLength(1);
      await expect(client.callTool({ name: 'get_item', arguments: { id: '1' } })).rejects.toMatchObject({
        code: 403,
      });
    } finally {
      await client.close();
    }
  });
});

describe('gateways without credentials of their own', () => {
  it('refuse everything while they have no auth method', async () => {
    const closed = await createMcpGateway(t.app, owner, t.url);
    await addTool(t.app, owner, closed.id, itemTool(upstream, `closed_${closed.id.slice(0, 6)}`));
    for (const era of ['legacy', 'modern'] as const) {
      const listed = await call(closed.url, era, 'tools/list', {});
      expectRefused(listed, 403);
      expect(listed.body.error.message).toContain('no auth method');
      expectRefused(await call(closed.url, era, 'ping', {}), 403);
    }
  });

  it('open up with a none method, and calls are recorded without a key', async () => {
    const open = await createMcpGateway(t.app, owner, t.url);
    const name = `open_${open.id.slice(0, 6)}`;
    const tool = await addTool(t.app, owner, open.id, itemTool(upstream, name));
    await addAuthMethod(t.app, owner, open.id, 'none');
    const client = await connectLegacyClient(open.url, {});
    try {
      expect((await client.listTools()).tools.map((listed) => listed.name)).toEqual([name]);
      const result = await client.callTool({ name, arguments: { id: 'free' } });
      expect(result.structuredContent).toEqual({ id: 'free', name: 'Item free', tags: ['alpha', 'beta'] });
    } finally {
      await client.close();
    }
    const records = await executionsOf(t.app, open.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ toolId: tool.id, source: 'mcp', apiKeyId: null, success: true });
  });
});

describe('per-tool policy', () => {
  it('hides a tool whose allowed scopes the key lacks, exactly like an unknown tool', async () => {
    const policy = await createMcpGateway(t.app, owner, t.url);
    const name = `admin_${policy.id.slice(0, 6)}`;
    await addTool(t.app, owner, policy.id, itemTool(upstream, name), {
      securityPolicy: { allowedScopes: ['gateway:read'] },
    });
    await addAuthMethod(t.app, owner, policy.id, 'api_key');
    const plain = await issueKey(t.app, owner, policy.id);
    for (const era of ['legacy', 'modern'] as const) {
      const headers = { 'x-api-key': plain.key };
      expect((await call(policy.url, era, 'tools/list', {}, headers)).body.result.tools).toEqual([]);
      const refused = await call(policy.url, era, 'tools/call', { name, arguments: { id: '1' } }, headers);
      expect(refused.status).toBe(200);
      expect(refused.body.error).toMatchObject({ code: -32602, message: `Unknown tool: ${name}` });
    }
    expect(await executionsOf(t.app, policy.id)).toEqual([]);
  });

  it('answers 429 with Retry-After and rate-limit headers once a tool reaches its limit', async () => {
    const limited = await createMcpGateway(t.app, owner, t.url);
    const name = `limited_${limited.id.slice(0, 6)}`;
    await addTool(t.app, owner, limited.id, itemTool(upstream, name), { rateLimit: 1 });
    await addAuthMethod(t.app, owner, limited.id, 'api_key');
    const caller = await issueKey(t.app, owner, limited.id);
    const headers = { 'x-api-key': caller.key };
    const first = await call(limited.url, 'legacy', 'tools/call', { name, arguments: { id: '1' } }, headers);
    expect(first.body.result.structuredContent).toMatchObject({ id: '1' });
    for (const era of ['legacy', 'modern'] as const) {
      const refused = await call(limited.url, era, 'tools/call', { name, arguments: { id: '2' } }, headers);
      expectRefused(refused, 429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('x-ratelimit-limit')).toBe('1');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(refused.body.error.data.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')));
    }
    const records = await executionsOf(t.app, limited.id);
    expect(records).toHaveLength(1);
  });
});
