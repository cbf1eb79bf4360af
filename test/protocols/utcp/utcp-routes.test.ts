import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  createUtcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  send,
  serveItems,
  type UtcpGateway,
} from './utcp-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: UtcpGateway;
let key: { id: string; key: string };
let itemToolId: string;
const auth = () => ({ 'x-api-key': key.key });

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'Routes');
  gateway = await createUtcpGateway(t.app, owner, t.url, '/catalog');
  itemToolId = (await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'))).id;
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'broken_item', '/status'));
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'hidden_item'), { enabled: false });
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = await issueKey(t.app, owner, gateway.id);
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

describe('UTCP tool routes', () => {
  it('lists the assigned, enabled tools in name order with their parameters', async () => {
    const answer = await send(`${gateway.url}/tools`, { headers: auth() });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      tools: [
        {
          name: 'broken_item',
          description: 'Fetches an item by id',
          parameters: itemTool(upstream).parameters,
        },
        { name: 'get_item', description: 'Fetches an item by id', parameters: itemTool(upstream).parameters },
      ],
    });
  });

  it('describes one tool, and answers TOOL_NOT_FOUND for a disabled or unknown one', async () => {
    const answer = await send(`${gateway.url}/tools/get_item`, { headers: auth() });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name: 'get_item',
      description: 'Fetches an item by id',
      parameters: itemTool(upstream).parameters,
    });
    for (const name of ['hidden_item', 'nowhere', '%E0%A4%A']) {
      const missing = await send(`${gateway.url}/tools/${name}`, { headers: auth() });
      expect(missing.status, name).toBe(404);
      expect(missing.body.error.code, name).toBe('TOOL_NOT_FOUND');
    }
  });

  it('invokes a tool: the result is what the upstream answers, with duration and tool id', async () => {
    const direct = await (await fetch(upstream.url('/items?id=42'))).json();
    const answer = await send(`${gateway.url}/tools/get_item/invoke`, {
      headers: auth(),
      body: { arguments: { id: '42' } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toEqual(direct);
    expect(answer.body.metadata).toMatchObject({
      toolId: itemToolId,
      toolName: 'get_item',
      upstreamStatus: 200,
    });
    expect(answer.body.metadata.duration).toBeGreaterThanOrEqual(0);
  });

  it('takes the arguments object itself when the body says so, as UTCP call templates do', async () => {
    const answer = await send(`${gateway.url}/tools/get_item/invoke`, {
      headers: { ...auth(), 'x-toolgate-body': 'arguments' },
      body: { id: '7' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ id: '7', name: 'Item 7' });
  });

  it('reports bad arguments as INVALID_PARAMS naming the argument; a missing arguments object is {}', async () => {
    const missing = await send(`${gateway.url}/tools/get_item/invoke`, { headers: auth(), body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({ code: 'INVALID_PARAMS', message: "argument 'id' is required" });
    const empty = await send(`${gateway.url}/tools/get_item/invoke`, { method: 'POST', headers: auth() });
    expect(empty.body.error.message).toBe("argument 'id' is required");
    const wrongType = await send(`${gateway.url}/tools/get_item/invoke`, {
      headers: auth(),
      body: { arguments: { id: 5 } },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain("argument 'id'");
    const extra = await send(`${gateway.url}/tools/get_item/invoke`, {
      headers: auth(),
      body: { arguments: { id: '1', limit: 3 } },
    });
    expect(extra.body.error).toEqual({
      code: 'INVALID_PARAMS',
      message: "argument 'limit' is not an accepted argument",
    });
  });

  it('reports an upstream failure as EXECUTION_FAILED 502 without upstream details', async () => {
    const answer = await send(`${gateway.url}/tools/broken_item/invoke`, {
      headers: auth(),
      body: { arguments: { id: '1' } },
    });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toEqual({
      code: 'EXECUTION_FAILED',
      message: 'The upstream service answered HTTP 500',
      reason: 'UPSTREAM_ERROR',
    });
    expect(JSON.stringify(answer.body)).not.toContain('127.0.0.1');
  });

  it('refuses malformed bodies with 4xx, never 5xx', async () => {
    const url = `${gateway.url}/tools/get_item/invoke`;
    const cases: [string, string, number][] = [
      ['invalid JSON', '{"arguments": ', 400],
      ['an array', '[{"arguments": {"id": "1"}}]', 400],
      ['a string', '"id"', 400],
      ['null', 'null', 400],
      ['deep nesting', `{"arguments": {"id": ${'['.repeat(5_000)}${']'.repeat(5_000)}}}`, 400],
      ['unclosed deep nesting', '['.repeat(200_000), 400],
      ['more than the body limit', JSON.stringify({ arguments: { id: 'x'.repeat(2 * 1024 * 1024) } }), 413],
    ];
    for (const [name, body, status] of cases) {
      const answer = await send(url, { headers: auth(), body });
      expect(answer.status, name).toBe(status);
      if (status === 400) expect(answer.body.error.code, name).toBe('INVALID_PARAMS');
    }
    const nonObjectArguments = await send(url, { headers: auth(), body: { arguments: [1, 2] } });
    expect(nonObjectArguments.status).toBe(400);
    expect(nonObjectArguments.body.error).toEqual({
      code: 'INVALID_PARAMS',
      message: 'arguments must be a JSON object, got an array',
    });
  });

  it('answers NOT_FOUND for unknown subpaths and 405 for wrong methods', async () => {
    for (const path of [
      '/nothing',
      '/tools/get_item/invoke/more',
      '/tools/get_item/run',
      '/.well-known/other',
    ]) {
      const answer = await send(`${gateway.url}${path}`, { headers: auth() });
      expect(answer.status, path).toBe(404);
      expect(answer.body.error.code, path).toBe('NOT_FOUND');
    }
    const cases: [string, string, string][] = [
      ['POST', '/tools', 'GET, HEAD'],
      ['DELETE', '/tools/get_item', 'GET, HEAD'],
      ['GET', '/tools/get_item/invoke', 'POST'],
      ['PUT', '', 'GET, HEAD'],
      ['POST', '/health', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await send(`${gateway.url}${path}`, { method, headers: auth() });
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get('allow')).toBe(allow);
      expect(answer.body.error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('reports gateway health to keys with gateway:read only', async () => {
    const reader = await issueKey(t.app, owner, gateway.id, { scopes: ['gateway:read'] });
    const answer = await send(`${gateway.url}/health`, { headers: { 'x-api-key': reader.key } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'healthy',
      gateway: { id: gateway.id, type: 'utcp', status: 'active' },
      toolCount: 2,
    });
    const refused = await send(`${gateway.url}/health`, { headers: auth() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('leaves exactly one execution record per call, with source utcp and the key, failures included', async () => {
    const other = await createUtcpGateway(t.app, owner, t.url, '/records');
    const tool = await addTool(t.app, owner, other.id, itemTool(upstream, 'record_item'));
    await addTool(t.app, owner, other.id, itemTool(upstream, 'record_broken', '/status'));
    await addAuthMethod(t.app, owner, other.id, 'api_key');
    const recordKey = await issueKey(t.app, owner, other.id);
    const headers = { 'x-api-key': recordKey.key };
    const invoke = (name: string, body: unknown, extra: Record<string, string> = {}) =>
      send(`${other.url}/tools/${name}/invoke`, { headers: { ...headers, ...extra }, body });

    expect((await invoke('record_item', { arguments: { id: '1' } })).status).toBe(200);
    expect((await invoke('record_item', { arguments: {} })).status).toBe(400);
    expect((await invoke('record_broken', { arguments: { id: '1' } })).status).toBe(502);
    // Refused or unreadable requests are not calls: nothing reaches the executor.
    expect((await invoke('record_item', '[')).status).toBe(400);
    expect(
      (await invoke('record_item', { arguments: { id: '1' } }, { 'x-api-key': 'almyty_gw_wrong' })).status,
    ).toBe(401);
    expect((await invoke('nowhere', { arguments: {} })).status).toBe(404);

    const records = await executionsOf(t.app, other.id);
    expect(
      records.map(({ toolName, success, errorCode, source, apiKeyId }) => ({
        toolName,
        success,
        errorCode,
        source,
        apiKeyId,
      })),
    ).toEqual([
      { toolName: 'record_item', success: true, errorCode: null, source: 'utcp', apiKeyId: recordKey.id },
      {
        toolName: 'record_item',
        success: false,
        errorCode: 'INVALID_ARGUMENTS',
        source: 'utcp',
        apiKeyId: recordKey.id,
      },
      {
        toolName: 'record_broken',
        success: false,
        errorCode: 'UPSTREAM_ERROR',
        source: 'utcp',
        apiKeyId: recordKey.id,
      },
    ]);
    expect(records[0]).toMatchObject({
      toolId: tool.id,
      upstreamStatus: 200,
      organizationId: owner.organizationId,
    });
  });

  it('serves the gateway through the /utcp alias and by organization id', async () => {
    const alias = await send(`${t.url}/utcp/${owner.organizationSlug}${gateway.endpoint}/tools`, {
      headers: auth(),
    });
    expect(alias.status).toBe(200);
    expect(alias.body.tools).toHaveLength(2);
    const byId = await send(`${t.url}/${owner.organizationId}${gateway.endpoint}/tools/get_item/invoke`, {
      headers: auth(),
      body: { arguments: { id: '3' } },
    });
    expect(byId.status).toBe(200);
    expect(byId.body.result.id).toBe('3');
  });

  it('answers 503 GATEWAY_UNAVAILABLE while the gateway is in maintenance', async () => {
    const paused = await createUtcpGateway(t.app, owner, t.url, '/paused');
    await addAuthMethod(t.app, owner, paused.id, 'none');
    expect((await send(`${paused.url}/tools`)).status).toBe(200);
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${paused.id}`, {
        caller: owner.caller,
        body: { status: 'maintenance' },
      }),
    );
    const answer = await send(`${paused.url}/tools`);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    expect(answer.body.error.message).toContain('maintenance');
  });
});
