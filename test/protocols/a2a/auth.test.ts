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
  executionsOf,
  issueKey,
  itemTool,
  rpc,
  serveItems,
  v1Message,
  v03Message,
} from './a2a-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: A2aGateway;
let itemToolId: string;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'A2A auth');
  gateway = await createA2aGateway(t.app, owner, t.url);
  itemToolId = (await addTool(t.app, owner, gateway.id, itemTool(upstream))).id;
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const send = (
  key: string | null,
  method = 'SendMessage',
  params: unknown = { message: v1Message('get_item', { id: '1' }) },
) => rpc(gateway.url, method, params, key ? { 'x-api-key': key } : {});

/** Nothing reached the upstream, no execution was recorded and no task was stored. */
async function expectNothingExecuted(
  upstreamRequestsBefore: number,
  recordsBefore: number,
  tasksBefore: number,
) {
  expect(upstream.requestsTo('/items')).toHaveLength(upstreamRequestsBefore);
  expect(await executionsOf(t.app, gateway.id)).toHaveLength(recordsBefore);
  expect(await t.app.deps.db.a2aTask.count({ where: { gatewayId: gateway.id } })).toBe(tasksBefore);
}

async function counts(): Promise<[number, number, number]> {
  return [
    upstream.requestsTo('/items').length,
    (await executionsOf(t.app, gateway.id)).length,
    await t.app.deps.db.a2aTask.count({ where: { gatewayId: gateway.id } }),
  ];
}

describe('A2A gateway authentication', () => {
  it('refuses callers without credentials with 401 and a challenge, for every method, running nothing', async () => {
    const before = await counts();
    for (const [method, params] of [
      ['SendMessage', { message: v1Message('get_item', { id: '1' }) }],
      ['message/stream', { message: v03Message('get_item', { id: '1' }) }],
      ['GetTask', { id: '00000000-0000-4000-8000-000000000000' }],
      ['ListTasks', {}],
      ['no/such/method', {}],
    ] as const) {
      const answer = await send(null, method, params);
      expect(answer.status, method).toBe(401);
      const realm = new URL(gateway.url).pathname.slice(1);
      expect(answer.headers.get('www-authenticate')).toBe(`ApiKey realm="${realm}", header="X-API-Key"`);
      expect(answer.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    }
    await expectNothingExecuted(...before);
  });

  it('refuses a wrong key, or a key of another gateway, with 401', async () => {
    expect((await send('almyty_gw_not-a-real-key')).status).toBe(401);
    const other = await createA2aGateway(t.app, owner, t.url);
    await addAuthMethod(t.app, owner, other.id, 'api_key');
    const foreign = await issueKey(t.app, owner, other.id);
    const answer = await send(foreign.key);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^ApiKey realm=/);
  });

  it('refuses a key without tools:execute with 403 before anything runs', async () => {
    const reader = await issueKey(t.app, owner, gateway.id, ['tools:read']);
    const before = await counts();
    for (const method of ['SendMessage', 'SendStreamingMessage']) {
      const answer = await send(reader.key, method);
      expect(answer.status, method).toBe(403);
      expect(answer.body.error.message).toMatch(/tools:execute/);
    }
    const legacy = await send(reader.key, 'message/send', { message: v03Message('get_item', { id: '1' }) });
    expect(legacy.status).toBe(403);
    await expectNothingExecuted(...before);
    // Reading is what this key may do.
    expect((await send(reader.key, 'ListTasks', {})).status).toBe(200);
  });

  it('refuses reading tasks to a key without tools:read', async () => {
    const runner = await issueKey(t.app, owner, gateway.id, ['tools:execute']);
    const sent = await send(runner.key);
    expect(sent.body.result.task.status.state).toBe('TASK_STATE_COMPLETED');
    const got = await send(runner.key, 'GetTask', { id: sent.body.result.task.id });
    expect(got.status).toBe(403);
    expect(got.body.error.message).toMatch(/tools:read/);
  });

  it("shows a caller only their own tasks: another caller's task does not exist for them", async () => {
    const alice = await issueKey(t.app, owner, gateway.id);
    const bob = await issueKey(t.app, owner, gateway.id);
    const task = (await send(alice.key)).body.result.task;
    expect((await send(alice.key, 'GetTask', { id: task.id })).body.result.id).toBe(task.id);

    const read = await send(bob.key, 'GetTask', { id: task.id });
    expect(read.status).toBe(200);
    expect(read.body.error).toMatchObject({ code: -32001 });
    expect((await send(bob.key, 'tasks/get', { id: task.id })).body.error.code).toBe(-32001);
    expect((await send(bob.key, 'CancelTask', { id: task.id })).body.error.code).toBe(-32001);
    expect((await send(bob.key, 'ListTasks', {})).body.result).toEqual({
      tasks: [],
      nextPageToken: '',
      pageSize: 50,
      totalSize: 0,
    });
    const stored = await t.app.deps.db.a2aTask.findUniqueOrThrow({ where: { id: task.id } });
    expect(stored).toMatchObject({
      callerKey: `key:${alice.id}`,
      organizationId: owner.organizationId,
      state: 'completed',
    });
  });

  it('records every call with source a2a', async () => {
    const key = await issueKey(t.app, owner, gateway.id);
    await send(key.key, 'message/send', { message: v03Message('get_item', { id: 'r' }) });
    const records = await executionsOf(t.app, gateway.id);
    expect(records.at(-1)).toMatchObject({
      source: 'a2a',
      apiKeyId: key.id,
      toolName: 'get_item',
      success: true,
    });
    expect(records.every((record) => record.source === 'a2a')).toBe(true);
  });

  it('answers a per-tool rate limit with 429 and its headers, storing no task', async () => {
    const limited = await createA2aGateway(t.app, owner, t.url);
    await addTool(t.app, owner, limited.id, itemTool(upstream, 'limited_item'), { rateLimit: 1 });
    await addAuthMethod(t.app, owner, limited.id, 'api_key');
    const { key } = await issueKey(t.app, owner, limited.id);
    const call = () =>
      rpc(
        limited.url,
        'SendMessage',
        { message: v1Message('limited_item', { id: '1' }) },
        { 'x-api-key': key },
      );
    expect((await call()).body.result.task.status.state).toBe('TASK_STATE_COMPLETED');
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('1');
    expect(refused.body.error.data.retryAfterSeconds).toBeGreaterThan(0);
    expect(await t.app.deps.db.a2aTask.count({ where: { gatewayId: limited.id } })).toBe(1);
  });

  it('refuses everything on a gateway without auth methods, and serves anyone once `none` is added', async () => {
    const closed = await createA2aGateway(t.app, owner, t.url);
    expectOk(
      await rest(t.app, 'POST', `/gateways/${closed.id}/tools`, {
        caller: owner.caller,
        body: { toolId: itemToolId },
      }),
      201,
    );
    const call = () => rpc(closed.url, 'SendMessage', { message: v1Message('get_item', { id: '2' }) });
    const refused = await call();
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/no auth method/);
    await addAuthMethod(t.app, owner, closed.id, 'none');
    expect((await call()).body.result.task.status.state).toBe('TASK_STATE_COMPLETED');
  });
});
