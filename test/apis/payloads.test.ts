import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotRows } from '../helpers/db-state.ts';
import { type Account, createTool, joinAs, signUp } from '../helpers/fixtures.ts';
import { expectData, expectError, expectOk, gql, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';

// Execution records keep arguments and results only when the organization opts in, and never secrets.

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let toolId: string;

const SECRETS = {
  password: 'pw-9d2c41e7',
  token: 'tok-5b8e03fa',
  apiKey: 'key-1f6a9c3d',
  authorization: 'Bearer auth-7e4b2a90',
};

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createTestApp({ env: { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32' } });
  owner = await signUp(t.app, 'Payload Keepers');
  // The upstream echoes the request, so the result carries the token back in its headers.
  const tool = await createTool(t.app, owner, {
    name: 'sign_in',
    type: 'http',
    parameters: {
      type: 'object',
      properties: {
        username: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        apiKey: { type: 'string' },
        authorization: { type: 'string' },
      },
    },
    executionConfig: {
      method: 'POST',
      url: upstream.url('/echo'),
      headers: { Authorization: 'Bearer {{parameters.token}}' },
      body: { username: '{{parameters.username}}' },
    },
  });
  toolId = tool.id;
});
afterAll(async () => {
  await t.close();
  await upstream.close();
});

const organizationPath = () => `/organizations/${owner.organizationId}`;

async function callAndRecord(): Promise<{ arguments: unknown; result: unknown }> {
  const parameters = { username: 'ada', ...SECRETS };
  expectOk(
    await rest(t.app, 'POST', `${organizationPath()}/tools/${toolId}/execute`, {
      caller: owner.caller,
      body: { parameters },
    }),
  );
  await t.app.deps.executions.flush();
  return t.app.deps.db.execution.findFirstOrThrow({
    where: { toolId },
    orderBy: { createdAt: 'desc' },
    select: { arguments: true, result: true },
  });
}

async function setPayloads(caller: Account['caller'], storeExecutionPayloads: boolean) {
  return rest(t.app, 'PATCH', organizationPath(), { caller, body: { storeExecutionPayloads } });
}

describe('storeExecutionPayloads', () => {
  it('is off by default: records keep neither arguments nor results', async () => {
    const organization = expectOk(await rest(t.app, 'GET', organizationPath(), { caller: owner.caller }));
    expect(organization.storeExecutionPayloads).toBe(false);
    expect(await callAndRecord()).toEqual({ arguments: null, result: null });
  });

  it('once on, keeps both from the next call, with secret-looking keys redacted', async () => {
    const updated = expectOk(await setPayloads(owner.caller, true));
    expect(updated.storeExecutionPayloads).toBe(true);
    const record = await callAndRecord();
    expect(record.arguments).toEqual({
      username: 'ada',
      password: '[redacted]',
      token: '[redacted]',
      apiKey: '[redacted]',
      authorization: '[redacted]',
    });
    const result = record.result as { method: string; headers: Record<string, unknown>; body: string };
    expect(result.method).toBe('POST');
    expect(JSON.parse(result.body)).toEqual({ username: 'ada' });
    expect(result.headers.authorization).toBe('[redacted]');
    for (const secret of [...Object.values(SECRETS), 'auth-7e4b2a90']) {
      expect(JSON.stringify(record)).not.toContain(secret);
    }

    const listed = expectData(
      await gql<{ executions: { executions: { arguments: unknown }[] } }, { toolId: string }>(
        t.app,
        'query($toolId: ID) { executions(toolId: $toolId, limit: 1) { executions { arguments } } }',
        { toolId },
        owner.caller,
      ),
    );
    expect(listed.executions.executions).toEqual([{ arguments: record.arguments }]);
  });

  it('once off again, keeps nothing from the next call', async () => {
    expect(expectOk(await setPayloads(owner.caller, false)).storeExecutionPayloads).toBe(false);
    expect(await callAndRecord()).toEqual({ arguments: null, result: null });
  });

  it('may be changed by admins and owners only', async () => {
    const viewer = await joinAs(t.app, owner, 'viewer');
    const member = await joinAs(t.app, owner, 'member');
    const admin = await joinAs(t.app, owner, 'admin');
    const before = await snapshotRows(t.app);
    for (const [account, role] of [
      [viewer, 'viewer'],
      [member, 'member'],
    ] as const) {
      const message = expectError(await setPayloads(account.caller, true), 'FORBIDDEN');
      expect(message).toBe(`Your role '${role}' cannot do 'organization:update'; it needs 'admin' or higher`);
    }
    expect(await snapshotRows(t.app)).toEqual(before);
    expect(expectOk(await setPayloads(admin.caller, true)).storeExecutionPayloads).toBe(true);
    const read = expectData(
      await gql<{ organization: { storeExecutionPayloads: boolean } }, { id: string }>(
        t.app,
        'query($id: ID!) { organization(id: $id) { storeExecutionPayloads } }',
        { id: owner.organizationId },
        viewer.caller,
      ),
    );
    expect(read.organization.storeExecutionPayloads).toBe(true);
  });

  it('must be a boolean', async () => {
    const refused = await rest(t.app, 'PATCH', organizationPath(), {
      caller: owner.caller,
      body: { storeExecutionPayloads: 'yes' },
    });
    expect(expectError(refused, 'BAD_REQUEST')).toMatch(/^storeExecutionPayloads: /);
  });
});
