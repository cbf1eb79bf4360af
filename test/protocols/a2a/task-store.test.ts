import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type A2aTask,
  type A2aTaskScope,
  createA2aTaskWriter,
  findA2aTask,
  listA2aTasks,
  settleA2aTask,
} from '../../../server/services/a2a-tasks.ts';
import { signUp } from '../../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { createA2aGateway, TEST_ENV } from './a2a-fixtures.ts';

let t: TestApp;
let scope: A2aTaskScope;

beforeAll(async () => {
  t = await createTestApp({ env: TEST_ENV });
  const owner = await signUp(t.app, 'A2A store');
  const gateway = await createA2aGateway(t.app, owner, 'http://toolgate.test');
  scope = { gatewayId: gateway.id, organizationId: owner.organizationId, callerKey: 'key:store-test' };
});

afterAll(async () => {
  await t?.close();
});

function task(state: A2aTask['status']['state'], data: unknown = null, at = new Date()): A2aTask {
  const id = randomUUID();
  return {
    id,
    contextId: 'ctx-store',
    status: { state, timestamp: at.toISOString() },
    artifacts: [{ artifactId: 'a', name: 'result', parts: [{ data }] }],
    history: [],
  };
}

const request = { protocolVersion: '1.0', method: 'SendMessage', tool: 'get_item' };

describe('A2A task storage', () => {
  it('writes tasks sent together in one go, and a bad row fails only its own write', async () => {
    const writer = createA2aTaskWriter(t.app.deps.db);
    const good = [task('completed'), task('completed'), task('working')];
    const orphan = { ...scope, gatewayId: randomUUID() };
    const results = await Promise.allSettled([
      writer.create(scope, good[0]!, request),
      writer.create(orphan, task('completed'), request),
      writer.create(scope, good[1]!, request),
      writer.create(scope, good[2]!, request),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    for (const stored of good)
      expect((await findA2aTask(t.app.deps.db, scope, stored.id))?.status).toEqual(stored.status);
  });

  it('stores results holding the NUL character, which jsonb refuses, as U+FFFD', async () => {
    const writer = createA2aTaskWriter(t.app.deps.db);
    const stored = task('working', { text: 'a\u0000b', escaped: 'c\\u0000d' });
    await writer.create(scope, stored, request);
    const settled = {
      ...stored,
      status: { state: 'completed' as const, timestamp: new Date().toISOString() },
    };
    expect(await settleA2aTask(t.app.deps.db, scope, settled)).toBe(true);
    const read = await findA2aTask(t.app.deps.db, scope, stored.id);
    expect(read?.artifacts[0]?.parts[0]).toEqual({ data: { text: 'a\ufffdb', escaped: 'c\\u0000d' } });
    // Settled once: a second outcome (a cancellation arriving late) changes nothing.
    expect(
      await settleA2aTask(t.app.deps.db, scope, {
        ...settled,
        status: { ...settled.status, state: 'canceled' },
      }),
    ).toBe(false);
    expect((await findA2aTask(t.app.deps.db, scope, stored.id))?.status.state).toBe('completed');
  });

  it('pages through tasks in the order of their last change, ties broken by id', async () => {
    const writer = createA2aTaskWriter(t.app.deps.db);
    const own = { ...scope, callerKey: 'key:pages' };
    const at = new Date('2026-01-01T00:00:00.000Z');
    const tasks = [
      task('completed', 1, at),
      task('completed', 2, at),
      task('failed', 3, new Date(at.getTime() + 1)),
    ];
    await Promise.all(tasks.map((each) => writer.create(own, each, request)));
    const expected = [tasks[2]!.id, ...[tasks[0]!.id, tasks[1]!.id].sort().reverse()];
    const seen: string[] = [];
    let after: { updatedAt: Date; id: string } | undefined;
    for (let page = 0; page < 3; page++) {
      const result = await listA2aTasks(t.app.deps.db, own, { pageSize: 1, ...(after ? { after } : {}) });
      expect(result.total).toBe(3);
      seen.push(...result.tasks.map((each) => each.id));
      after = result.nextCursor ?? undefined;
    }
    expect(seen).toEqual(expected);
    expect(after).toBeUndefined();
    const failed = await listA2aTasks(t.app.deps.db, own, { pageSize: 10, state: 'failed' });
    expect(failed.tasks.map((each) => each.id)).toEqual([tasks[2]!.id]);
    expect((await listA2aTasks(t.app.deps.db, scope, { pageSize: 10, contextId: 'other' })).total).toBe(0);
  });
});
