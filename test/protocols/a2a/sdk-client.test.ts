import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { Client } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { TaskNotCancelableError, TaskNotFoundError } from '@a2a-js/sdk/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  type A2aGateway,
  addAuthMethod,
  addTool,
  callRequest,
  createA2aGateway,
  createPublicTestApp,
  executionsOf,
  fetchWithKey,
  issueKey,
  itemTool,
  sdkClient,
  serveItems,
} from './a2a-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: A2aGateway;
let key: string;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'A2A SDK');
  gateway = await createA2aGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, itemTool(upstream));
  await addTool(t.app, owner, gateway.id, {
    ...itemTool(upstream, 'broken_item', '/status'),
    executionConfig: { method: 'GET', url: upstream.url('/status'), queryParams: { code: '500' } },
  });
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = (await issueKey(t.app, owner, gateway.id)).key;
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

async function direct(id: string): Promise<unknown> {
  return (await fetch(upstream.url(`/items?id=${id}`))).json();
}

function asTask(result: unknown): Task {
  expect(result).toHaveProperty('status');
  return result as Task;
}

function textOf(task: Task): string {
  const part = task.status?.message?.parts[0]?.content;
  return part?.$case === 'text' ? part.value : '';
}

describe('the A2A v1.0 SDK client', () => {
  it('discovers the agent from its card and calls a tool, getting what the upstream itself answers', async () => {
    const client = await sdkClient(gateway.url, key);
    const card = await client.getAgentCard();
    expect(card.skills.map((skill) => skill.id)).toEqual(['broken_item', 'get_item']);
    expect(card.capabilities?.streaming).toBe(true);

    const task = asTask(await client.sendMessage(callRequest('get_item', { id: '42' })));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const expected = await direct('42');
    const [data, text] = task.artifacts[0]!.parts;
    expect(data!.content).toEqual({ $case: 'data', value: expected });
    expect(text!.content?.$case).toBe('text');
    expect(JSON.parse(text!.content!.value as string)).toEqual(expected);
    expect(task.history[0]!.parts[0]!.content).toEqual({
      $case: 'data',
      value: { tool: 'get_item', arguments: { id: '42' } },
    });
  });

  it('streams the same call: the task, working, the result artifact, completed', async () => {
    const client = await sdkClient(gateway.url, key);
    const events: StreamResponse[] = [];
    for await (const event of client.sendMessageStream(callRequest('get_item', { id: '7' })))
      events.push(event);
    expect(events.map((event) => event.payload?.$case)).toEqual([
      'task',
      'statusUpdate',
      'artifactUpdate',
      'statusUpdate',
    ]);
    const [first, working, artifact, completed] = events.map((event) => event.payload!);
    const taskId = first!.$case === 'task' ? first!.value.id : '';
    expect(first!.$case === 'task' && first!.value.status?.state).toBe(TaskState.TASK_STATE_SUBMITTED);
    expect(working!.$case === 'statusUpdate' && working!.value.status?.state).toBe(
      TaskState.TASK_STATE_WORKING,
    );
    expect(artifact!.$case === 'artifactUpdate' && artifact!.value.artifact?.parts[0]?.content).toEqual({
      $case: 'data',
      value: await direct('7'),
    });
    expect(completed!.$case === 'statusUpdate' && completed!.value.status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    expect(completed!.$case === 'statusUpdate' && completed!.value.taskId).toBe(taskId);

    // The streamed task was stored and reads back the same.
    const stored = await client.getTask({ tenant: '', id: taskId });
    expect(stored.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(stored.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'data', value: await direct('7') });
  });

  it('gets and lists tasks, paged, newest first', async () => {
    const client = await sdkClient(gateway.url, (await issueKey(t.app, owner, gateway.id)).key);
    const ids: string[] = [];
    for (const id of ['a', 'b', 'c'])
      ids.push(asTask(await client.sendMessage(callRequest('get_item', { id }))).id);

    const got = await client.getTask({ tenant: '', id: ids[1]!, historyLength: 0 });
    expect(got.id).toBe(ids[1]);
    expect(got.history).toEqual([]);
    expect(got.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'data', value: await direct('b') });

    const first = await client.listTasks({
      tenant: '',
      contextId: '',
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageSize: 2,
      pageToken: '',
      statusTimestampAfter: undefined,
    });
    expect(first.totalSize).toBe(3);
    expect(first.pageSize).toBe(2);
    expect(first.tasks.map((task) => task.id)).toEqual([ids[2], ids[1]]);
    expect(first.tasks[0]!.artifacts).toEqual([]);
    expect(first.nextPageToken).not.toBe('');
    const second = await client.listTasks({
      tenant: '',
      contextId: '',
      status: TaskState.TASK_STATE_COMPLETED,
      pageSize: 2,
      pageToken: first.nextPageToken,
      statusTimestampAfter: undefined,
      includeArtifacts: true,
    });
    expect(second.tasks.map((task) => task.id)).toEqual([ids[0]]);
    expect(second.tasks[0]!.artifacts[0]!.parts[0]!.content).toEqual({
      $case: 'data',
      value: await direct('a'),
    });
    expect(second.nextPageToken).toBe('');

    const failedOnly = await client.listTasks({
      tenant: '',
      contextId: '',
      status: TaskState.TASK_STATE_FAILED,
      pageToken: '',
      statusTimestampAfter: undefined,
    });
    expect(failedOnly.tasks).toEqual([]);
  });

  it('refuses to cancel a task that has finished, and knows no task it did not create', async () => {
    const client = await sdkClient(gateway.url, key);
    const task = asTask(await client.sendMessage(callRequest('get_item', { id: '1' })));
    await expect(client.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toBeInstanceOf(
      TaskNotCancelableError,
    );
    await expect(
      client.getTask({ tenant: '', id: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await client.getTask({ tenant: '', id: task.id })).status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
  });

  it('reports failures and unknown skills as task states with a message saying why', async () => {
    const client = await sdkClient(gateway.url, key);
    const invalid = asTask(await client.sendMessage(callRequest('get_item', { id: 42 })));
    expect(invalid.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(invalid)).toMatch(/^Invalid arguments for get_item: .*id/);

    const upstreamFailure = asTask(await client.sendMessage(callRequest('broken_item', { id: '1' })));
    expect(upstreamFailure.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(upstreamFailure)).toBe('broken_item failed: the upstream service answered HTTP 500');
    expect(upstreamFailure.status?.message?.metadata).toEqual({ errorCode: 'UPSTREAM_ERROR' });

    const unknown = asTask(await client.sendMessage(callRequest('no_such_tool', {})));
    expect(unknown.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(textOf(unknown)).toContain('Available skills: broken_item, get_item.');
  });

  it('serves a v0.3 client (the SDK legacy JSON-RPC transport) from the same URL', async () => {
    const modern = await sdkClient(gateway.url, key);
    const legacy = new Client(
      new LegacyJsonRpcTransport({ endpoint: gateway.url, fetchImpl: fetchWithKey(key) }),
      await modern.getAgentCard(),
    );
    expect(legacy.protocolVersion).toBe('0.3');
    const task = asTask(await legacy.sendMessage(callRequest('get_item', { id: '9' })));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'data', value: await direct('9') });
    expect((await legacy.getTask({ tenant: '', id: task.id })).id).toBe(task.id);

    const events: StreamResponse[] = [];
    for await (const event of legacy.sendMessageStream(callRequest('get_item', { id: '9' })))
      events.push(event);
    const last = events.at(-1)!.payload!;
    expect(last.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('leaves one execution record per call, with source a2a', async () => {
    const before = (await executionsOf(t.app, gateway.id)).length;
    const client = await sdkClient(gateway.url, key);
    await client.sendMessage(callRequest('get_item', { id: 'rec' }));
    const records = await executionsOf(t.app, gateway.id);
    expect(records).toHaveLength(before + 1);
    expect(records.at(-1)).toMatchObject({ source: 'a2a', toolName: 'get_item', success: true });
  });
});
