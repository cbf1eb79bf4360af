import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  type A2aGateway,
  addAuthMethod,
  addTool,
  createA2aGateway,
  createPublicTestApp,
  type HttpAnswer,
  issueKey,
  itemTool,
  rpc,
  send,
  serveItems,
  v1Message,
} from './a2a-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: A2aGateway;
let headers: Record<string, string>;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'A2A malformed');
  gateway = await createA2aGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, itemTool(upstream));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  headers = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const post = (body: string, extra: Record<string, string> = {}) =>
  send(gateway.url, { body, headers: { ...headers, ...extra } });

function expectRpcError(answer: HttpAnswer, status: number, code: number) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { code } });
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('malformed JSON-RPC', () => {
  it('answers broken envelopes with 400 and a JSON-RPC error', async () => {
    expectRpcError(await post('{"jsonrpc": "2.0", "id": 1, "method": '), 400, -32700);
    expectRpcError(
      await post('[{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"}}]'),
      400,
      -32600,
    );
    expectRpcError(await post('"SendMessage"'), 400, -32600);
    expectRpcError(await post(''), 400, -32600);
    expectRpcError(await post('{"id": 1, "method": "GetTask"}'), 400, -32600);
    expectRpcError(await post('{"jsonrpc": "1.0", "id": 1, "method": "GetTask"}'), 400, -32600);
    expectRpcError(await post('{"jsonrpc": "2.0", "method": "SendMessage", "params": {}}'), 400, -32600);
    expectRpcError(await post('{"jsonrpc": "2.0", "id": 1e300, "method": "GetTask"}'), 400, -32600);
    expectRpcError(
      await post('{"jsonrpc": "2.0", "id": 12345678901234567890, "method": "GetTask"}'),
      400,
      -32600,
    );
    expectRpcError(
      await post(JSON.stringify({ jsonrpc: '2.0', id: 'x'.repeat(5000), method: 'GetTask' })),
      400,
      -32600,
    );
    expectRpcError(await post('{"jsonrpc": "2.0", "id": {"a": 1}, "method": "GetTask"}'), 400, -32600);
    expectRpcError(await post('{"jsonrpc": "2.0", "id": 1, "method": 42}'), 400, -32600);
    expectRpcError(await post(`{"jsonrpc": "2.0", "id": 1, "method": "${'m'.repeat(500)}"}`), 400, -32600);
    const deep = await post(
      `{"jsonrpc": "2.0", "id": 7, "method": "SendMessage", "params": {"x": ${nested(5000)}}}`,
    );
    expectRpcError(deep, 400, -32600);
    expect(deep.body.error.message).toMatch(/nested deeper/);
  });

  it('answers bad params in-band with -32602 naming the field', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['SendMessage', [1, 2], /params/],
      ['SendMessage', {}, /message/],
      ['SendMessage', { message: { ...v1Message('get_item', {}), parts: [] } }, /message\.parts/],
      ['SendMessage', { message: { ...v1Message('get_item', {}), role: 'ROLE_AGENT' } }, /ROLE_USER/],
      [
        'SendMessage',
        { message: { ...v1Message('get_item', {}), parts: [{ text: 'a', data: {} }] } },
        /exactly one/,
      ],
      [
        'SendMessage',
        { message: v1Message('get_item', {}), configuration: { historyLength: -1 } },
        /historyLength/,
      ],
      ['message/send', { message: { role: 'user', parts: [{ kind: 'picture' }] } }, /parts/],
      ['GetTask', { id: 42 }, /id/],
      ['ListTasks', { status: 'TASK_STATE_RUNNING' }, /status/],
      ['ListTasks', { pageSize: 101 }, /pageSize/],
      ['ListTasks', { pageToken: 'not-a-token' }, /pageToken/],
      ['ListTasks', { statusTimestampAfter: 'yesterday' }, /statusTimestampAfter/],
    ];
    for (const [method, params, message] of cases) {
      const answer = await rpc(gateway.url, method, params, headers);
      expectRpcError(answer, 200, -32602);
      expect(answer.body.error.message, JSON.stringify(params)).toMatch(message);
    }
  });

  it('answers unknown methods with -32601, and v0.3 has no tasks/list', async () => {
    for (const method of ['tasks/list', 'SendMessages', 'initialize', 'tools/call']) {
      const answer = await rpc(gateway.url, method, {}, headers);
      expectRpcError(answer, 200, -32601);
      expect(typeof answer.body.id).toBe('number');
    }
  });

  it('knows no task by an id that is not one of its own, whatever its form', async () => {
    for (const id of ['not-a-uuid', "'; drop table", '00000000-0000-4000-8000-000000000000', '\u0000']) {
      expectRpcError(await rpc(gateway.url, 'GetTask', { id }, headers), 200, -32001);
    }
  });

  it('survives a JSON document nested deep inside a text part, rejecting the message', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      {
        message: {
          messageId: 'm-deep',
          role: 'ROLE_USER',
          parts: [{ text: `{"a": ${nested(20_000)}}` }],
          metadata: { skillId: 'get_item' },
        },
      },
      headers,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.result.task.status.state).toBe('TASK_STATE_REJECTED');
  });

  it('refuses other media types, HTTP methods and paths with 4xx', async () => {
    const textPlain = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } }),
      {
        'content-type': 'text/plain',
      },
    );
    expectRpcError(textPlain, 415, -32600);
    const put = await send(gateway.url, { method: 'PUT', body: '{}', headers });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    const elsewhere = await send(`${gateway.url}/rpc`, {
      body: { jsonrpc: '2.0', id: 1, method: 'GetTask' },
      headers,
    });
    expect(elsewhere.status).toBe(404);
    const cardPost = await send(`${gateway.url}/.well-known/agent-card.json`, { body: '{}', headers });
    expect(cardPost.status).toBe(405);
  });

  it('refuses a body over the size limit without reading it all', async () => {
    const huge = `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}}`;
    const answer = await post(huge);
    expect(answer.status).toBe(413);
  });

  it('answers with 503 and a JSON-RPC error while the gateway is in maintenance', async () => {
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: { status: 'maintenance' },
      }),
    );
    try {
      const answer = await rpc(
        gateway.url,
        'SendMessage',
        { message: v1Message('get_item', { id: '1' }) },
        headers,
      );
      expectRpcError(answer, 503, -32000);
      expect(answer.body.error.message).toMatch(/maintenance/);
      expect((await send(`${gateway.url}/.well-known/agent-card.json`)).status).toBe(503);
    } finally {
      expectOk(
        await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
          caller: owner.caller,
          body: { status: 'active' },
        }),
      );
    }
  });
});
