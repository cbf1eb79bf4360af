import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Account, createGateway, joinAs, signUp } from '../helpers/fixtures.ts';
import { expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SUBSCRIPTION = `subscription { gatewayChanged { kind gatewayId organizationId gateway { id name status } } }`;

interface ChangeEvent {
  kind: string;
  gatewayId: string;
  organizationId: string;
  gateway: { id: string; name: string; status: string } | null;
}

let t: TestApp;
let owner: Account;
let colleague: Account;
let stranger: Account;
const clients: Client[] = [];

beforeAll(async () => {
  t = await createTestApp({ listen: true });
  owner = await signUp(t.app, 'Realtime');
  colleague = await joinAs(t.app, owner, 'viewer');
  stranger = await signUp(t.app, 'Elsewhere');
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t.close();
});

/** Subscribes over a real WebSocket and collects events until told to stop. */
function subscribe(account: Account): {
  events: ChangeEvent[];
  next: () => Promise<ChangeEvent>;
  skipSeen: () => number;
} {
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      Authorization: `Bearer ${account.token}`,
      ...(account.caller.organizationId ? { 'X-Organization-Id': account.caller.organizationId } : {}),
    },
  });
  clients.push(client);
  const events: ChangeEvent[] = [];
  const waiting: ((event: ChangeEvent) => void)[] = [];
  client.subscribe<{ gatewayChanged: ChangeEvent }>(
    { query: SUBSCRIPTION },
    {
      next: (message) => {
        const event = message.data!.gatewayChanged;
        events.push(event);
        waiting.shift()?.(event);
      },
      error: (error) => {
        console.error('subscription failed', error);
      },
      complete: () => {},
    },
  );
  let read = 0;
  return {
    events,
    skipSeen: () => {
      read = events.length;
      return read;
    },
    next: () =>
      new Promise((resolve) => {
        if (read < events.length) resolve(events[read++]!);
        else
          waiting.push((event) => {
            read++;
            resolve(event);
          });
      }),
  };
}

/**
 * Waits until the subscription is live: the server registers it asynchronously, so create probe gateways
 * until one of them arrives.
 */
async function settled(stream: { events: ChangeEvent[] }, account: Account): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const probe = await createGateway(
      t.app,
      account.caller,
      `/probe-${Math.random().toString(36).slice(2, 8)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (stream.events.some((event) => event.gatewayId === probe.id)) return;
  }
  throw new Error('the subscription never delivered a probe event');
}

describe('gatewayChanged over graphql-ws', () => {
  it('delivers another member’s REST changes to the organization, and nothing to other organizations', async () => {
    const colleagueStream = subscribe(colleague);
    const strangerStream = subscribe(stranger);
    await Promise.all([settled(colleagueStream, owner), settled(strangerStream, stranger)]);
    const colleagueSeen = colleagueStream.skipSeen();
    const strangerSeen = strangerStream.skipSeen();

    const gateway = await createGateway(t.app, owner.caller, '/live');
    expect(await colleagueStream.next()).toEqual({
      kind: 'CREATED',
      gatewayId: gateway.id,
      organizationId: owner.organizationId,
      gateway: { id: gateway.id, name: gateway.name, status: 'active' },
    });
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: { status: 'maintenance' },
      }),
    );
    expect(await colleagueStream.next()).toMatchObject({
      kind: 'STATUS_CHANGED',
      gateway: { status: 'maintenance' },
    });
    expectOk(await rest(t.app, 'DELETE', `/gateways/${gateway.id}`, { caller: owner.caller }));
    expect(await colleagueStream.next()).toMatchObject({
      kind: 'DELETED',
      gatewayId: gateway.id,
      gateway: null,
    });

    // The stranger's next event is one of their own: nothing of the other organization came first.
    const own = await createGateway(t.app, stranger.caller, '/own');
    expect((await strangerStream.next()).gatewayId).toBe(own.id);
    expect(
      strangerStream.events
        .slice(strangerSeen)
        .every((event) => event.organizationId === stranger.organizationId),
    ).toBe(true);
    expect(
      colleagueStream.events
        .slice(colleagueSeen)
        .every((event) => event.organizationId === owner.organizationId),
    ).toBe(true);
  });

  it('refuses a subscription without a valid token', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: SUBSCRIPTION },
        { next: resolve, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(outcome)).toContain('UNAUTHORIZED');
  });
});

describe('gatewayChanged over SSE', () => {
  it('streams events as text/event-stream', async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${owner.token}`,
      },
      body: JSON.stringify({ query: SUBSCRIPTION }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    // Keep creating until the stream shows ours: the first one may race the subscription's start.
    const names: string[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const gateway = await createGateway(t.app, owner.caller, `/sse-${attempt}`);
      names.push(gateway.id);
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 250)),
      ]);
      if (chunk && !chunk.done) buffer += decoder.decode(chunk.value);
      if (names.some((id) => buffer.includes(id))) break;
    }
    controller.abort();
    expect(buffer).toContain('event: next');
    expect(names.some((id) => buffer.includes(id))).toBe(true);
  });
});
