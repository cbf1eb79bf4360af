import { randomUUID } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Account, createGateway, joinAs, signUp } from '../helpers/fixtures.ts';
import { expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

// Several instances behind a load balancer share PostgreSQL and Redis; CI runs this against both.
const redisUrl = process.env.TEST_REDIS_URL;
const shared = Boolean(redisUrl && process.env.TEST_DATABASE_URL);

describe.skipIf(!shared)('two instances sharing PostgreSQL and Redis', () => {
  let first: TestApp;
  let second: TestApp;
  let owner: Account;
  let colleague: Account;
  let client: Client | undefined;

  beforeAll(async () => {
    first = await createTestApp({ listen: true, env: { REDIS_URL: redisUrl! } });
    second = await createTestApp({ env: { REDIS_URL: redisUrl! }, databaseUrl: first.databaseUrl });
    owner = await signUp(second.app, 'Shared');
    colleague = await joinAs(second.app, owner, 'member');
  });
  afterAll(async () => {
    await client?.dispose();
    await second.close();
    await first.close();
  });

  it('delivers a change made on one instance to a subscriber on the other', async () => {
    client = createClient({
      url: `${first.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: {
        Authorization: `Bearer ${colleague.token}`,
        'X-Organization-Id': owner.organizationId,
      },
    });
    const seen: string[] = [];
    client.subscribe<{ gatewayChanged: { gatewayId: string; kind: string } }>(
      { query: 'subscription { gatewayChanged { gatewayId kind } }' },
      {
        next: (message) => seen.push(message.data!.gatewayChanged.gatewayId),
        error: () => {},
        complete: () => {},
      },
    );
    let created = '';
    for (let attempt = 0; attempt < 40 && !seen.includes(created); attempt++) {
      created = (await createGateway(second.app, owner.caller, `/shared-${attempt}`)).id;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toContain(created);
  });

  it('revokes a key on one instance and refuses it on the other at once', async () => {
    const gateway = await createGateway(second.app, owner.caller, '/revoked-everywhere');
    const key = expectOk(
      await rest(second.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'k' },
      }),
      201,
    );
    expect(await first.app.deps.gatewayKeys.verify(key.key)).not.toBeNull();
    expectOk(
      await rest(second.app, 'DELETE', `/gateways/${gateway.id}/auth/api-keys/${key.id}`, {
        caller: owner.caller,
      }),
    );
    let stillAccepted = true;
    for (let attempt = 0; attempt < 50 && stillAccepted; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stillAccepted = (await first.app.deps.gatewayKeys.verify(key.key)) !== null;
    }
    expect(stillAccepted).toBe(false);
  });

  it('shares rate-limit counters', async () => {
    const key = `shared-test-${randomUUID()}`;
    const decisionA = await first.app.deps.limiter.hit(key, 2, 60_000);
    const decisionB = await second.app.deps.limiter.hit(key, 2, 60_000);
    const decisionC = await first.app.deps.limiter.hit(key, 2, 60_000);
    expect([decisionA.allowed, decisionB.allowed, decisionC.allowed]).toEqual([true, true, false]);
    expect(decisionC.remaining).toBe(0);
  });
});
