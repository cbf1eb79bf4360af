import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { parseSseStream } from '@a2a-js/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
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
  v1Message,
} from './a2a-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: A2aGateway;
let key: { id: string; key: string };
let headers: Record<string, string>;

/**
 * Makes `/slow` answer only when the test says so: a task calling it stays working exactly as long as the
 * test needs, with no timing involved. `aborted` tells whether the gateway hung up before the answer.
 */
function holdSlowCalls() {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = () => {};
  const arrival = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let ended: (aborted: boolean) => void = () => {};
  const aborted = new Promise<boolean>((resolve) => {
    ended = resolve;
  });
  upstream.route('/slow', async (_request, response) => {
    arrived();
    const closed = once(response, 'close').then(() => false);
    if (await Promise.race([released.then(() => true), closed])) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"slow":true}');
      ended(false);
    } else {
      ended(true);
    }
  });
  return { release, arrival, aborted };
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'A2A lifecycle');
  gateway = await createA2aGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, {
    ...itemTool(upstream, 'slow_call', '/slow'),
    parameters: { type: 'object', properties: {} },
  });
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = await issueKey(t.app, owner, gateway.id);
  headers = { 'x-api-key': key.key };
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const startSlow = async (url = gateway.url) =>
  (
    await rpc(
      url,
      'SendMessage',
      { message: v1Message('slow_call', {}), configuration: { returnImmediately: true } },
      headers,
    )
  ).body.result.task;

const stateOf = async (id: string, url = gateway.url) =>
  (await rpc(url, 'GetTask', { id }, headers)).body.result.status.state;

/** Opens an SSE JSON-RPC call and yields its results as they arrive. */
async function* stream(method: string, params: unknown, signal?: AbortSignal) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal,
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  for await (const event of parseSseStream(response)) yield JSON.parse(event.data).result;
}

describe('A2A task lifecycle', () => {
  it('cancels a running task: the upstream call stops, subscribers see it end, and it stays canceled', async () => {
    const slow = holdSlowCalls();
    const task = await startSlow();
    expect(task.status.state).toBe('TASK_STATE_WORKING');
    await slow.arrival;
    expect(await stateOf(task.id)).toBe('TASK_STATE_WORKING');

    const subscription = stream('SubscribeToTask', { id: task.id });
    const first = await subscription.next();
    expect(first.value.task.status.state).toBe('TASK_STATE_WORKING');

    const canceled = await rpc(gateway.url, 'CancelTask', { id: task.id }, headers);
    expect(canceled.body.result.status.state).toBe('TASK_STATE_CANCELED');
    expect(await slow.aborted).toBe(true);
    const rest: unknown[] = [];
    for await (const event of subscription) rest.push(event);
    expect(rest).toEqual([
      expect.objectContaining({ statusUpdate: expect.objectContaining({ taskId: task.id }) }),
    ]);
    expect((rest[0] as { statusUpdate: { status: { state: string } } }).statusUpdate.status.state).toBe(
      'TASK_STATE_CANCELED',
    );

    const again = await rpc(gateway.url, 'CancelTask', { id: task.id }, headers);
    expect(again.body.error).toMatchObject({ code: -32002 });
    expect(again.body.error.message).toMatch(/canceled and can no longer be canceled/);
    expect(await stateOf(task.id)).toBe('TASK_STATE_CANCELED');
    await vi.waitFor(async () => {
      const records = await executionsOf(t.app, gateway.id);
      expect(records.at(-1)).toMatchObject({ source: 'a2a', success: false, errorCode: 'CANCELLED' });
    });
    const resubscribe = await rpc(gateway.url, 'tasks/resubscribe', { id: task.id }, headers);
    expect(resubscribe.body.error.code).toBe(-32004);
  });

  it('streams a running task event by event; the task is stored as working until the call ends', async () => {
    const slow = holdSlowCalls();
    const events = stream('SendStreamingMessage', { message: v1Message('slow_call', {}) });
    const submitted = (await events.next()).value;
    expect(submitted.task.status.state).toBe('TASK_STATE_SUBMITTED');
    expect((await events.next()).value.statusUpdate.status.state).toBe('TASK_STATE_WORKING');
    await slow.arrival;
    expect(await stateOf(submitted.task.id)).toBe('TASK_STATE_WORKING');
    slow.release();
    const rest = [];
    for await (const event of events) rest.push(event);
    expect(rest[0].artifactUpdate.artifact.parts[0].data).toEqual({ slow: true });
    expect(rest[1].statusUpdate.status.state).toBe('TASK_STATE_COMPLETED');
    expect(await stateOf(submitted.task.id)).toBe('TASK_STATE_COMPLETED');
  });

  it('finishes a streamed task whose client went away', async () => {
    const slow = holdSlowCalls();
    const hangUp = new AbortController();
    const events = stream('SendStreamingMessage', { message: v1Message('slow_call', {}) }, hangUp.signal);
    const { task } = (await events.next()).value;
    await slow.arrival;
    hangUp.abort();
    await events.return(undefined);
    slow.release();
    expect(await slow.aborted).toBe(false);
    await vi.waitFor(async () => expect(await stateOf(task.id)).toBe('TASK_STATE_COMPLETED'));
  });

  it('reads a running task abandoned by a stopped server as failed', async () => {
    const id = randomUUID();
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await t.app.deps.db.a2aTask.create({
      data: {
        id,
        gatewayId: gateway.id,
        organizationId: owner.organizationId,
        callerKey: `key:${key.id}`,
        contextId: 'ctx-abandoned',
        state: 'working',
        toolName: 'slow_call',
        request: { protocolVersion: '1.0', method: 'SendMessage', tool: 'slow_call' },
        status: { state: 'working', timestamp: longAgo.toISOString() },
        updatedAt: longAgo,
      },
    });
    const got = (await rpc(gateway.url, 'GetTask', { id }, headers)).body.result;
    expect(got.status.state).toBe('TASK_STATE_FAILED');
    expect(got.status.message.parts[0].text).toMatch(/stopped before it finished/);
    const list = async (status: string) =>
      (await rpc(gateway.url, 'ListTasks', { contextId: 'ctx-abandoned', status }, headers)).body.result
        .tasks;
    expect(await list('TASK_STATE_FAILED')).toHaveLength(1);
    expect(await list('TASK_STATE_WORKING')).toHaveLength(0);
    expect((await rpc(gateway.url, 'CancelTask', { id }, headers)).body.error.code).toBe(-32002);
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'answers for a task from any instance, and cancels it from there',
    async () => {
      const other = await createPublicTestApp({ databaseUrl: t.databaseUrl });
      try {
        const otherUrl = gateway.url.replace(t.url, other.url);
        const slow = holdSlowCalls();
        const recorded = (await executionsOf(t.app, gateway.id)).length;
        const task = await startSlow();
        await slow.arrival;
        expect(await stateOf(task.id, otherUrl)).toBe('TASK_STATE_WORKING');
        const canceled = await rpc(otherUrl, 'CancelTask', { id: task.id }, headers);
        expect(canceled.body.result.status.state).toBe('TASK_STATE_CANCELED');
        // The call runs on the first instance, which the cancel did not reach: its result comes and is dropped.
        slow.release();
        expect(await slow.aborted).toBe(false);
        await vi.waitFor(async () => {
          const records = await executionsOf(t.app, gateway.id);
          expect(records).toHaveLength(recorded + 1);
          expect(records.at(-1)).toMatchObject({ success: true, toolName: 'slow_call' });
        });
        expect(await stateOf(task.id)).toBe('TASK_STATE_CANCELED');
        expect(await stateOf(task.id, otherUrl)).toBe('TASK_STATE_CANCELED');
      } finally {
        await other.close();
      }
    },
  );
});
