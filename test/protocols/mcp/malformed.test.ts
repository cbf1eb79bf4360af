import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createMcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  LEGACY_VERSION,
  type McpGateway,
  MODERN_VERSION,
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
let auth: Record<string, string>;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Malformed');
  gateway = await createMcpGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  auth = {
    'x-api-key': (await issueKey(t.app, owner, gateway.id)).key,
    'mcp-protocol-version': LEGACY_VERSION,
  };
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

/** JSON text of `{"inner":{"inner":…"bottom"…}}`, built as text since JSON.stringify recurses. */
function nested(depth: number): string {
  return `${'{"inner":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  send(gateway.url, { body, headers: { ...auth, ...headers } });

/** A JSON-RPC error answer with a 4xx status (never 5xx) and the given code. */
function expectRpcError(answer: RawAnswer, status: number, code: number, id: unknown = null): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body, answer.text).toMatchObject({
    jsonrpc: '2.0',
    id,
    error: { code, message: expect.any(String) },
  });
}

describe('bodies that are not one JSON-RPC message', () => {
  it.each([
    ['truncated JSON', '{"jsonrpc":"2.0","id":1,"method":"tools/list"'],
    ['an empty body', ''],
    ['plain text', 'hello'],
    [
      'a lone surrogate-broken string',
      '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"\\ud800"',
    ],
  ])('answers %s with 400 Parse error', async (_label, body) => {
    expectRpcError(await post(body), 400, -32700);
  });

  it.each([
    [
      'a batch',
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'ping' },
      ],
    ],
    ['an empty batch', []],
    ['a number', 42],
    ['null', null],
    ['a string', JSON.stringify('tools/list')],
    ['a message without jsonrpc', { id: 1, method: 'tools/list' }],
    ['a JSON-RPC 1.0 message', { jsonrpc: '1.0', id: 1, method: 'tools/list' }],
    ['a numeric method', { jsonrpc: '2.0', id: 1, method: 42 }],
    ['an empty method', { jsonrpc: '2.0', id: 1, method: '' }],
    ['a huge method name', { jsonrpc: '2.0', id: 1, method: 'x'.repeat(100_000) }],
    ['positional params', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: ['get_item', { id: '1' }] }],
    ['null params', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: null }],
    ['neither request nor response', { jsonrpc: '2.0', id: 1 }],
  ])('answers %s with 400 Invalid Request', async (_label, body) => {
    const answer = await post(body);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.code).toBe(-32600);
  });

  it.each([
    ['a null id', null],
    ['an object id', { id: 1 }],
    ['a fractional id', 1.5],
    ['an unsafe integer id', 2 ** 60],
    ['a 10 000-character id', 'i'.repeat(10_000)],
  ])('answers %s with 400 Invalid Request and a null id', async (_label, id) => {
    expectRpcError(await post({ jsonrpc: '2.0', id, method: 'tools/list' }), 400, -32600);
  });

  it('answers an id too large for a double with 400', async () => {
    expectRpcError(
      await post(`{"jsonrpc":"2.0","id":1${'0'.repeat(400)},"method":"tools/list"}`),
      400,
      -32600,
    );
  });

  it('answers deeply nested arguments with 400 before any validator recurses into them, and runs nothing', async () => {
    const before = (await executionsOf(t.app, gateway.id)).length;
    const deep = `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_item","arguments":{"id":${nested(5_000)}}}}`;
    expectRpcError(await post(deep), 400, -32600, 5);
    // Nearly a megabyte of brackets: JSON.parse copes, and the depth check refuses it without recursion.
    expectRpcError(
      await post(
        `{"jsonrpc":"2.0","id":6,"method":"ping","params":{"a":${'['.repeat(400_000)}${']'.repeat(400_000)}}}`,
      ),
      400,
      -32600,
      6,
    );
    expect(await executionsOf(t.app, gateway.id)).toHaveLength(before);
  });

  it('accepts nesting well within the limit', async () => {
    const answer = await post(
      `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"get_item","arguments":{"id":${nested(20)}}}}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.result.isError).toBe(true);
  });

  it('answers a body over MAX_BODY_BYTES with 413', async () => {
    const answer = await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { padding: 'x'.repeat(1_100_000) },
    });
    expect(answer.status).toBe(413);
  });

  it('answers a non-JSON media type with 415', async () => {
    const answer = await send(gateway.url, {
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    expectRpcError(answer, 415, -32000);
  });
});

describe('well-formed messages the server cannot serve', () => {
  it.each([
    ['a missing tool name', { arguments: {} }],
    ['a numeric tool name', { name: 5 }],
    ['string arguments', { name: 'get_item', arguments: 'id=1' }],
    ['array arguments', { name: 'get_item', arguments: ['1'] }],
  ])('answers tools/call with %s with Invalid Params', async (_label, params) => {
    const answer = await post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params });
    expect(answer.status, answer.text).toBeLessThan(500);
    expect(answer.body).toMatchObject({ id: 11, error: { code: -32602 } });
  });

  it.each([
    ['tools/list', { cursor: 7 }, 'params.cursor'],
    [
      'initialize',
      { protocolVersion: 2025, capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      'params.protocolVersion',
    ],
    ['ping', { _meta: 'yes' }, 'params._meta'],
  ])(
    'answers %s with mistyped params with Invalid Params naming the field',
    async (method, params, field) => {
      const answer = await post({ jsonrpc: '2.0', id: 12, method, params });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({
        id: 12,
        error: { code: -32602, message: expect.stringContaining(field) },
      });
    },
  );

  it('answers an unknown method with Method not found in both eras', async () => {
    const legacy = await post({ jsonrpc: '2.0', id: 13, method: 'resources/list' });
    expect(legacy.status).toBeLessThan(500);
    expect(legacy.body).toMatchObject({ id: 13, error: { code: -32601 } });
    const request = modernRequest('prompts/list', {}, 14);
    const modern = await post(request.body, request.headers);
    expect(modern.status).toBe(404);
    expect(modern.body).toMatchObject({ id: 14, error: { code: -32601 } });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers the method name %s like any unknown method',
    async (method) => {
      const answer = await post({ jsonrpc: '2.0', id: 20, method, params: {} });
      expect(answer.status, answer.text).toBeLessThan(500);
      expect(answer.body).toMatchObject({ id: 20, error: { code: -32601 } });
    },
  );

  it('answers arguments that break the tool schema with an isError result the model can act on', async () => {
    const answer = await post({
      jsonrpc: '2.0',
      id: 15,
      method: 'tools/call',
      params: { name: 'get_item', arguments: { id: '' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result.isError).toBe(true);
    expect(answer.body.result.content[0].text).toMatch(/id/);
  });

  it('answers a 2026 request naming an unsupported revision, or disagreeing headers, with 400', async () => {
    const future = modernRequest('tools/list', {}, 16);
    (future.body.params._meta as Record<string, unknown>)['io.modelcontextprotocol/protocolVersion'] =
      '2099-01-01';
    const unsupported = await post(future.body, { ...future.headers, 'mcp-protocol-version': '2099-01-01' });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.code).toBe(-32022);
    const mismatch = modernRequest('tools/list', {}, 17);
    const answer = await post(mismatch.body, { ...mismatch.headers, 'mcp-method': 'tools/call' });
    expect(answer.status).toBe(400);
    expect(answer.body.id).toBe(17);
  });

  it('answers a 2026 header without the per-request envelope with 400', async () => {
    const answer = await post(
      { jsonrpc: '2.0', id: 18, method: 'tools/list' },
      { 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': 'tools/list' },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(-32602);
  });

  it('keeps serving after all of the above', async () => {
    const answer = await post({
      jsonrpc: '2.0',
      id: 19,
      method: 'tools/call',
      params: { name: 'get_item', arguments: { id: 'ok' } },
    });
    expect(answer.body.result.structuredContent).toEqual({
      id: 'ok',
      name: 'Item ok',
      tags: ['alpha', 'beta'],
    });
  });
});
