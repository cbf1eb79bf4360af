import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Account, joinAs, signUp } from '../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createUtcpGateway,
  issueKey,
  itemTool,
  serveItems,
  TEST_ENV,
} from '../protocols/utcp/utcp-fixtures.ts';

interface Executed {
  gatewayId: string | null;
  toolName: string;
  source: string;
  apiKeyId: string | null;
  success: boolean;
  errorCode: string | null;
  organizationId: string;
}

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let watcher: Account;
let stranger: Account;
const clients: Client[] = [];

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Live calls');
  watcher = await joinAs(t.app, owner, 'viewer');
  stranger = await signUp(t.app, 'Other live');
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t.close();
  await upstream.close();
});

function watch(account: Account): Executed[] {
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      Authorization: `Bearer ${account.token}`,
      ...(account.caller.organizationId ? { 'X-Organization-Id': account.caller.organizationId } : {}),
    },
  });
  clients.push(client);
  const seen: Executed[] = [];
  client.subscribe<{ toolExecuted: Executed }>(
    {
      query:
        'subscription { toolExecuted { gatewayId toolName source apiKeyId success errorCode organizationId } }',
    },
    { next: (message) => seen.push(message.data!.toolExecuted), error: () => {}, complete: () => {} },
  );
  return seen;
}

describe('toolExecuted', () => {
  it('streams gateway calls to members of the organization only, with protocol and caller key', async () => {
    const gateway = await createUtcpGateway(t.app, owner, t.url, '/live-calls');
    await addAuthMethod(t.app, owner, gateway.id, 'api_key');
    const tool = await addTool(t.app, owner, gateway.id, itemTool(upstream, 'live_item'));
    const key = await issueKey(t.app, owner, gateway.id);
    const mine = watch(watcher);
    const theirs = watch(stranger);
    const invoke = (args: unknown) =>
      fetch(`${gateway.url}/tools/${tool.name}/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: JSON.stringify({ arguments: args }),
      });
    // The subscription starts asynchronously: call until the first event shows up.
    for (let attempt = 0; attempt < 40 && mine.length === 0; attempt++) {
      expect((await invoke({ id: 'a' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = mine.length;
    expect((await invoke({ id: 7 })).status).toBe(400);
    for (let attempt = 0; attempt < 40 && mine.length === before; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(mine[0]).toEqual({
      gatewayId: gateway.id,
      toolName: 'live_item',
      source: 'utcp',
      apiKeyId: key.id,
      success: true,
      errorCode: null,
      organizationId: owner.organizationId,
    });
    expect(mine.at(-1)).toMatchObject({ success: false, errorCode: 'INVALID_ARGUMENTS', source: 'utcp' });
    expect(theirs).toEqual([]);
  });
});
