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
  issueKey,
  itemTool,
  rpc,
  send,
  serveItems,
  sseEvents,
  v1Message,
  v03Message,
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
  owner = await signUp(t.app, 'A2A raw');
  gateway = await createA2aGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, itemTool(upstream));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  headers = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const item = (id: string) => ({ id, name: `Item ${id}`, tags: ['alpha', 'beta'] });

describe('v0.3 JSON-RPC, as older agents send it', () => {
  it('message/send answers a completed task in the v0.3 shape', async () => {
    const answer = await rpc(
      gateway.url,
      'message/send',
      { message: v03Message('get_item', { id: '5' }) },
      headers,
    );
    expect(answer.status).toBe(200);
    const task = answer.body.result;
    expect(task).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    expect(task.status.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(task.artifacts[0].parts).toEqual([
      { kind: 'data', data: item('5') },
      { kind: 'text', text: JSON.stringify(item('5')) },
    ]);
    expect(task.history[0]).toMatchObject({
      kind: 'message',
      role: 'user',
      taskId: task.id,
      contextId: task.contextId,
    });

    const got = await rpc(gateway.url, 'tasks/get', { id: task.id, historyLength: 0 }, headers);
    expect(got.body.result).toMatchObject({ kind: 'task', id: task.id, status: { state: 'completed' } });
    expect(got.body.result.history).toBeUndefined();
  });

  it('tasks/send is message/send under its old name, with the old `type` part tags and no messageId', async () => {
    const answer = await rpc(
      gateway.url,
      'tasks/send',
      {
        message: {
          role: 'user',
          parts: [{ type: 'text', text: '{"tool":"get_item","arguments":{"id":"6"}}' }],
        },
      },
      headers,
    );
    expect(answer.body.result).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    expect(answer.body.result.artifacts[0].parts[0]).toEqual({ kind: 'data', data: item('6') });
  });

  it('message/stream sends kind-tagged events, the last one final', async () => {
    const answer = await send(gateway.url, {
      body: {
        jsonrpc: '2.0',
        id: 'stream-1',
        method: 'message/stream',
        params: { message: v03Message('get_item', { id: '8' }) },
      },
      headers: { ...headers, accept: 'text/event-stream' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const events = sseEvents(answer.text);
    expect(events.every((event) => event.jsonrpc === '2.0' && event.id === 'stream-1')).toBe(true);
    const results = events.map((event) => event.result);
    expect(results.map((result) => result.kind)).toEqual([
      'task',
      'status-update',
      'artifact-update',
      'status-update',
    ]);
    expect(results.map((result) => result.status?.state)).toEqual([
      'submitted',
      'working',
      undefined,
      'completed',
    ]);
    expect(results.map((result) => result.final)).toEqual([undefined, false, undefined, true]);
    expect(results[2].artifact.parts[0]).toEqual({ kind: 'data', data: item('8') });
  });

  it('wraps results that are not objects, as v0.3 data parts must hold objects', async () => {
    upstream.route('/count', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[1,2,3]');
    });
    await addTool(t.app, owner, gateway.id, {
      ...itemTool(upstream, 'count_items', '/count'),
      parameters: { type: 'object', properties: {} },
    });
    const answer = await rpc(
      gateway.url,
      'message/send',
      { message: v03Message('count_items', {}) },
      headers,
    );
    expect(answer.body.result.artifacts[0].parts[0]).toEqual({
      kind: 'data',
      data: { value: [1, 2, 3] },
      metadata: { data_part_compat: true },
    });
    const v1 = await rpc(gateway.url, 'SendMessage', { message: v1Message('count_items', {}) }, headers);
    expect(v1.body.result.task.artifacts[0].parts[0]).toEqual({
      data: [1, 2, 3],
      mediaType: 'application/json',
    });
  });
});

describe('v1.0 JSON-RPC', () => {
  it('SendMessage answers { task } in ProtoJSON: TASK_STATE_* enums, ROLE_* roles, untagged parts', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      { message: v1Message('get_item', { id: '3' }) },
      {
        ...headers,
        'a2a-version': '1.0',
      },
    );
    const task = answer.body.result.task;
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(task.artifacts[0]).toMatchObject({
      name: 'result',
      parts: [
        { data: item('3'), mediaType: 'application/json' },
        { text: JSON.stringify(item('3')), mediaType: 'text/plain' },
      ],
      metadata: { tool: 'get_item', upstreamStatus: 200 },
    });
    expect(task.history[0]).toMatchObject({ role: 'ROLE_USER', taskId: task.id, contextId: task.contextId });
    expect(task.kind).toBeUndefined();

    const got = await rpc(gateway.url, 'GetTask', { id: task.id }, headers);
    expect(got.body.result).toEqual(task);
  });

  it('selects a skill by metadata.skillId with the arguments as JSON text, and keeps a given contextId', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      {
        message: {
          messageId: 'm-skill',
          role: 'ROLE_USER',
          contextId: 'conversation-1',
          parts: [{ text: '{"id": "4"}' }],
          metadata: { skillId: 'get_item' },
        },
      },
      headers,
    );
    expect(answer.body.result.task).toMatchObject({
      contextId: 'conversation-1',
      status: { state: 'TASK_STATE_COMPLETED' },
    });
    expect(answer.body.result.task.artifacts[0].parts[0].data).toEqual(item('4'));
  });

  it('rejects a message that names no skill, listing the skills there are', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      { message: { messageId: 'm-hello', role: 'ROLE_USER', parts: [{ text: 'Hello, what can you do?' }] } },
      headers,
    );
    const { status } = answer.body.result.task;
    expect(status.state).toBe('TASK_STATE_REJECTED');
    expect(status.message.role).toBe('ROLE_AGENT');
    expect(status.message.parts[0].text).toMatch(/names no skill.*Available skills: count_items, get_item\./);
    const v03 = await rpc(
      gateway.url,
      'message/send',
      {
        message: {
          ...v03Message('get_item', {}),
          parts: [{ kind: 'text', text: 'hi' }],
          metadata: { skillId: 'get_item' },
        },
      },
      headers,
    );
    expect(v03.body.result.status.state).toBe('rejected');
    expect(v03.body.result.status.message.parts[0].text).toMatch(
      /must be a data part, or a text part holding a JSON object/,
    );
  });

  it('answers returnImmediately with the working task, which then completes', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      { message: v1Message('get_item', { id: '11' }), configuration: { returnImmediately: true } },
      headers,
    );
    const task = answer.body.result.task;
    expect(task.status.state).toBe('TASK_STATE_WORKING');
    await vi.waitFor(
      async () => {
        const got = await rpc(gateway.url, 'GetTask', { id: task.id }, headers);
        expect(got.body.result.status.state).toBe('TASK_STATE_COMPLETED');
      },
      { timeout: 10_000, interval: 20 },
    );
  });

  it('limits results to the accepted output modes, and refuses when none can be produced', async () => {
    const textOnly = await rpc(
      gateway.url,
      'SendMessage',
      { message: v1Message('get_item', { id: '12' }), configuration: { acceptedOutputModes: ['text/*'] } },
      headers,
    );
    expect(textOnly.body.result.task.artifacts[0].parts).toEqual([
      { text: JSON.stringify(item('12')), mediaType: 'text/plain' },
    ]);
    const images = await rpc(
      gateway.url,
      'SendMessage',
      { message: v1Message('get_item', { id: '12' }), configuration: { acceptedOutputModes: ['image/png'] } },
      headers,
    );
    expect(images.body.error.code).toBe(-32005);
  });

  it('answers the methods of capabilities it does not declare with their A2A errors', async () => {
    const push = await rpc(
      gateway.url,
      'CreateTaskPushNotificationConfig',
      { taskId: 'x', url: 'https://example.com' },
      headers,
    );
    expect(push.body.error.code).toBe(-32003);
    const card = await rpc(gateway.url, 'GetExtendedAgentCard', {}, headers);
    expect(card.body.error.code).toBe(-32004);
    const pushOnSend = await rpc(
      gateway.url,
      'message/send',
      {
        message: v03Message('get_item', { id: '1' }),
        configuration: { pushNotificationConfig: { url: 'https://example.com' } },
      },
      headers,
    );
    expect(pushOnSend.body.error.code).toBe(-32003);
  });

  it('refuses follow-up messages: every task here ends with its first message', async () => {
    const first = (
      await rpc(gateway.url, 'SendMessage', { message: v1Message('get_item', { id: '1' }) }, headers)
    ).body.result.task;
    const followUp = await rpc(
      gateway.url,
      'SendMessage',
      { message: { ...v1Message('get_item', { id: '2' }), taskId: first.id } },
      headers,
    );
    expect(followUp.body.error.code).toBe(-32004);
    const unknown = await rpc(
      gateway.url,
      'SendMessage',
      { message: { ...v1Message('get_item', { id: '2' }), taskId: '00000000-0000-4000-8000-000000000000' } },
      headers,
    );
    expect(unknown.body.error.code).toBe(-32001);
  });

  it('refuses protocol versions it does not speak', async () => {
    const answer = await rpc(
      gateway.url,
      'SendMessage',
      { message: v1Message('get_item', { id: '1' }) },
      {
        ...headers,
        'a2a-version': '2.0',
      },
    );
    expect(answer.body.error.code).toBe(-32009);
    expect(answer.body.error.data[0]).toMatchObject({
      reason: 'VERSION_NOT_SUPPORTED',
      domain: 'a2a-protocol.org',
    });
  });
});
