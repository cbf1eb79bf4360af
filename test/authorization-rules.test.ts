import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotRows } from './helpers/db-state.ts';
import {
  type Account,
  createApiWithCredential,
  createGateway,
  createTool,
  joinAs,
  signUp,
} from './helpers/fixtures.ts';
import { expectData, expectError, expectGraphqlError, expectOk, gql, rest } from './helpers/http.ts';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from './helpers/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const membersOf = (account: Account) => `/organizations/${account.organizationId}/members`;

describe('ownership', () => {
  it('lets only an owner make owners or touch them', async () => {
    const owner = await signUp(t.app, 'Owned Co');
    const admin = await joinAs(t.app, owner, 'admin');
    const other = await joinAs(t.app, owner, 'member');
    const fresh = await signUp(t.app, 'Fresh');
    const caller = admin.caller;
    const before = await snapshotRows(t.app);
    const grants = [
      await rest(t.app, 'POST', membersOf(owner), { caller, body: { email: fresh.email, role: 'owner' } }),
      await rest(t.app, 'PATCH', `${membersOf(owner)}/${other.userId}`, { caller, body: { role: 'owner' } }),
      await rest(t.app, 'PATCH', `${membersOf(owner)}/${admin.userId}`, { caller, body: { role: 'owner' } }),
    ];
    for (const refusal of grants) {
      expect(expectError(refusal, 'FORBIDDEN')).toBe('Only an owner can make someone an owner');
    }
    const touches = [
      await rest(t.app, 'PATCH', `${membersOf(owner)}/${owner.userId}`, { caller, body: { role: 'member' } }),
      await rest(t.app, 'DELETE', `${membersOf(owner)}/${owner.userId}`, { caller }),
    ];
    for (const refusal of touches) {
      expect(expectError(refusal, 'FORBIDDEN')).toBe(
        'Only an owner can change the role of an owner or remove one',
      );
    }
    expect(await snapshotRows(t.app)).toEqual(before);

    const promoted = await rest(t.app, 'PATCH', `${membersOf(owner)}/${other.userId}`, {
      caller,
      body: { role: 'admin' },
    });
    expect(expectOk(promoted).role).toBe('admin');
    const crowned = await rest(t.app, 'PATCH', `${membersOf(owner)}/${other.userId}`, {
      caller: owner.caller,
      body: { role: 'owner' },
    });
    expect(expectOk(crowned).role).toBe('owner');
  });

  it('keeps at least one owner', async () => {
    const owner = await signUp(t.app, 'Single Owner');
    const self = `${membersOf(owner)}/${owner.userId}`;
    const lastOwner = 'The organization needs at least one owner: make someone else owner first';
    const before = await snapshotRows(t.app);
    expect(expectError(await rest(t.app, 'DELETE', self, { caller: owner.caller }), 'CONFLICT')).toBe(
      lastOwner,
    );
    const demoted = await rest(t.app, 'PATCH', self, { caller: owner.caller, body: { role: 'admin' } });
    expect(expectError(demoted, 'CONFLICT')).toBe(lastOwner);
    expect(await snapshotRows(t.app)).toEqual(before);

    const heir = await joinAs(t.app, owner, 'viewer');
    const heirPath = `${membersOf(owner)}/${heir.userId}`;
    expectOk(await rest(t.app, 'PATCH', heirPath, { caller: owner.caller, body: { role: 'owner' } }));
    const stepDown = await rest(t.app, 'PATCH', self, { caller: owner.caller, body: { role: 'admin' } });
    expect(expectOk(stepDown).role).toBe('admin');
    expect(expectError(await rest(t.app, 'DELETE', heirPath, { caller: heir.caller }), 'CONFLICT')).toBe(
      lastOwner,
    );
  });

  it('lets only the owner delete the organization, with everything in it', async () => {
    const owner = await signUp(t.app, 'Doomed Co');
    const others = [
      await joinAs(t.app, owner, 'admin'),
      await joinAs(t.app, owner, 'member'),
      await joinAs(t.app, owner, 'viewer'),
    ];
    await createGateway(t.app, owner.caller, '/doomed');
    await createTool(t.app, owner);
    const path = `/organizations/${owner.organizationId}`;
    for (const other of others) {
      const message = expectError(await rest(t.app, 'DELETE', path, { caller: other.caller }), 'FORBIDDEN');
      expect(message).toContain("it needs 'owner'");
    }
    const deleted = await rest(t.app, 'DELETE', path, { caller: owner.caller });
    expect(expectOk(deleted)).toEqual({ id: owner.organizationId, deleted: true });
    expectError(await rest(t.app, 'GET', path, { caller: others[0]!.caller }), 'NOT_FOUND');
    const where = { where: { organizationId: owner.organizationId } };
    const { db } = t.app.deps;
    expect([
      await db.gateway.count(where),
      await db.tool.count(where),
      await db.membership.count(where),
    ]).toEqual([0, 0, 0]);
  });
});

describe('tokens', () => {
  const me = '{ me { id } }';

  async function sign(
    userId: string,
    options: { secret?: string; issuer?: string; audience?: string; expires?: number | string } = {},
  ): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuer(options.issuer ?? 'toolgate')
      .setAudience(options.audience ?? 'toolgate-api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(options.expires ?? '1h')
      .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
  }

  it('refuses forged, foreign, expired and unsigned tokens', async () => {
    const user = await signUp(t.app, 'Token Co');
    expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: { token: await sign(user.userId) } }));
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: user.userId, jti: randomUUID() })).toString(
      'base64url',
    );
    const refused = [
      await sign(user.userId, { secret: 'another-secret-that-is-long-enough-0123456789' }),
      await sign(user.userId, { issuer: 'someone-else' }),
      await sign(user.userId, { audience: 'another-api' }),
      await sign(user.userId, { expires: Math.floor(Date.now() / 1000) - 60 }),
      `${header}.${payload}.`,
    ];
    for (const token of refused) {
      expectError(await rest(t.app, 'GET', '/auth/profile', { caller: { token } }), 'UNAUTHORIZED');
      expectGraphqlError(await gql(t.app, me, {}, { token }), 'UNAUTHORIZED');
    }
  });

  it('revokes a logged-out token on GraphQL too, and only that one', async () => {
    const user = await signUp(t.app, 'Logout Co');
    const second = expectOk(
      await rest(t.app, 'POST', '/auth/login', { body: { email: user.email, password: 'Secret123' } }),
    ).token;
    expectData(await gql(t.app, 'mutation { logout { loggedOut } }', {}, { token: second }));
    expectGraphqlError(await gql(t.app, me, {}, { token: second }), 'UNAUTHORIZED');
    expect(expectData(await gql(t.app, me, {}, user.caller))).toEqual({ me: { id: user.userId } });
  });
});

describe('X-Organization-Id', () => {
  it('is required from a user of two organizations, and must name one of theirs', async () => {
    const owner = await signUp(t.app, 'First Org');
    const both = await joinAs(t.app, owner, 'member');
    const stranger = await signUp(t.app, 'Stranger Org');
    const before = await snapshotRows(t.app);
    for (const organizationId of [undefined, stranger.organizationId, 'not-a-uuid']) {
      const caller = { token: both.token, organizationId };
      const listed = await rest(t.app, 'GET', '/gateways', { caller });
      expect(expectError(listed, 'NO_ORGANIZATION')).toContain('X-Organization-Id');
      const body = { name: 'Nowhere', type: 'mcp', endpoint: '/nowhere' };
      expectError(await rest(t.app, 'POST', '/gateways', { caller, body }), 'NO_ORGANIZATION');
      expectGraphqlError(await gql(t.app, '{ gateways { total } }', {}, caller), 'NO_ORGANIZATION');
    }
    expect(await snapshotRows(t.app)).toEqual(before);

    // Routes that name the organization need no header.
    expectOk(await rest(t.app, 'GET', membersOf(owner), { caller: { token: both.token } }));
    const own = { token: both.token, organizationId: both.organizationId };
    const created = await createGateway(t.app, own, '/chosen');
    expect(created.organizationId).toBe(both.organizationId);
    const theirs = expectOk(await rest(t.app, 'GET', '/gateways', { caller: both.caller }));
    expect(theirs.gateways.map((gateway: { id: string }) => gateway.id)).not.toContain(created.id);
  });

  it('takes ids in any case, like the paths do', async () => {
    const owner = await signUp(t.app, 'Upper Case');
    const both = await joinAs(t.app, owner, 'member');
    const upper = { token: both.token, organizationId: owner.organizationId.toUpperCase() };
    expectOk(await rest(t.app, 'GET', '/gateways', { caller: upper }));
    const self = `${membersOf(owner)}/${both.userId.toUpperCase()}`.replace(owner.organizationId, (id) =>
      id.toUpperCase(),
    );
    expect(expectOk(await rest(t.app, 'DELETE', self, { caller: upper }))).toEqual({
      id: both.userId,
      deleted: true,
    });
  });

  it('is optional for a user of one organization, who still cannot name another', async () => {
    const single = await signUp(t.app, 'Single Org');
    const other = await signUp(t.app, 'Other Org');
    expectOk(await rest(t.app, 'GET', '/gateways', { caller: { token: single.token } }));
    const named = { token: single.token, organizationId: single.organizationId };
    expectOk(await rest(t.app, 'GET', '/gateways', { caller: named }));
    const foreign = { token: single.token, organizationId: other.organizationId };
    expectError(await rest(t.app, 'GET', '/gateways', { caller: foreign }), 'NO_ORGANIZATION');
  });

  it('tells a user without any organization to create one', async () => {
    const user = await signUp(t.app, 'Short Lived');
    expectOk(await rest(t.app, 'DELETE', `/organizations/${user.organizationId}`, { caller: user.caller }));
    const message = expectError(
      await rest(t.app, 'GET', '/gateways', { caller: user.caller }),
      'NO_ORGANIZATION',
    );
    expect(message).toBe('You are not a member of any organization: create one with POST /organizations');
  });
});

interface OwnView {
  organizations: { organizations: { id: string }[] };
  apis: { apis: { id: string }[] };
  executions: { executions: { toolName: string }[] };
  byGateway: { executions: { toolName: string }[] };
  gateways: { gateways: { id: string; authMethods: { id: string }[] }[] };
  gatewayTools: { tools: { tool: { id: string; organizationId: string } }[] };
  availableTools: { tools: { organizationId: string }[] };
  tools: { tools: { organizationId: string }[] };
}

describe('nested GraphQL fields', () => {
  it('never reach into another organization', async () => {
    const victim = await signUp(t.app, 'Nested Victim');
    const outsider = await signUp(t.app, 'Nested Outsider');
    const [victimGateway, ownGateway] = [
      await createGateway(t.app, victim.caller, '/nested'),
      await createGateway(t.app, outsider.caller, '/nested'),
    ];
    const [victimTool, ownTool] = [await createTool(t.app, victim), await createTool(t.app, outsider)];
    const methods: string[] = [];
    for (const [account, gateway, tool] of [
      [victim, victimGateway, victimTool],
      [outsider, ownGateway, ownTool],
    ] as const) {
      const caller = account.caller;
      expectOk(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, { caller, body: { toolId: tool.id } }),
        201,
      );
      const method = await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
        caller,
        body: { type: 'none' },
      });
      methods.push(expectOk(method, 201).id);
    }
    const ownMethod = methods[1];
    const [victimApi, ownApi] = [
      await createApiWithCredential(t.app, victim),
      await createApiWithCredential(t.app, outsider),
    ];
    // A call of the victim's tool, recorded as the executor would; filters must not reach it.
    t.app.deps.executions.record({
      organizationId: victim.organizationId,
      toolId: victimTool.id,
      toolName: victimTool.name,
      gatewayId: victimGateway.id,
      apiKeyId: null,
      userId: victim.userId,
      source: 'direct',
      success: true,
      errorCode: null,
      upstreamStatus: 200,
      durationMs: 5,
      createdAt: new Date(),
    });
    await t.app.deps.executions.flush();
    const recorded = await gql<{ executions: { total: number } }, { toolId: string }>(
      t.app,
      'query($toolId: ID) { executions(toolId: $toolId) { total } }',
      { toolId: victimTool.id },
      victim.caller,
    );
    expect(expectData(recorded).executions.total).toBe(1);
    const caller = outsider.caller;
    const refused: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { gateway(id: $id) { id authMethods { id type } } }', { id: victimGateway.id }],
      [
        'query($id: ID!) { gatewayTools(gatewayId: $id) { tools { tool { id name } } } }',
        { id: victimGateway.id },
      ],
      ['query($id: ID!) { availableTools(gatewayId: $id) { tools { id } } }', { id: victimGateway.id }],
      ['query($id: ID!) { authMethods(gatewayId: $id) { id } }', { id: victimGateway.id }],
      ['query($id: ID!) { apiKeys(gatewayId: $id) { id } }', { id: victimGateway.id }],
      ['query($id: ID!, $org: ID) { tool(id: $id, organizationId: $org) { id } }', { id: victimTool.id }],
      [
        'query($id: ID!, $org: ID) { tool(id: $id, organizationId: $org) { id } }',
        { id: victimTool.id, org: victim.organizationId },
      ],
      ['query($org: ID) { tools(organizationId: $org) { tools { id } } }', { org: victim.organizationId }],
      [
        'query($org: ID!) { members(organizationId: $org) { members { email } } }',
        { org: victim.organizationId },
      ],
      ['query($id: ID!) { api(id: $id) { id toolCount } }', { id: victimApi.apiId }],
      ['query($id: ID!) { apiOperations(apiId: $id) { key toolId } }', { id: victimApi.apiId }],
      ['query($id: ID!) { apiCredentials(apiId: $id) { id } }', { id: victimApi.apiId }],
      ['query($id: ID!) { gatewayToolStats(gatewayId: $id) { stats { toolId } } }', { id: victimGateway.id }],
    ];
    for (const [query, variables] of refused) {
      const result = await gql(t.app, query, variables, caller);
      expectGraphqlError(result, 'NOT_FOUND');
      expect(result.data ?? null).toBeNull();
    }

    const own = expectData(
      await gql<OwnView, Record<string, unknown>>(
        t.app,
        `query($id: ID!, $victimTool: ID, $victimGateway: ID) {
          organizations { organizations { id } }
          apis { apis { id } }
          executions(toolId: $victimTool) { executions { toolName } }
          byGateway: executions(gatewayId: $victimGateway) { executions { toolName } }
          gateways { gateways { id authMethods { id } } }
          gatewayTools(gatewayId: $id) { tools { tool { id organizationId } } }
          availableTools(gatewayId: $id) { tools { organizationId } }
          tools { tools { organizationId } }
        }`,
        { id: ownGateway.id, victimTool: victimTool.id, victimGateway: victimGateway.id },
        caller,
      ),
    );
    expect(own.apis.apis).toEqual([{ id: ownApi.apiId }]);
    expect(own.executions.executions).toEqual([]);
    expect(own.byGateway.executions).toEqual([]);
    expect(own.organizations.organizations).toEqual([{ id: outsider.organizationId }]);
    expect(own.gateways.gateways).toEqual([{ id: ownGateway.id, authMethods: [{ id: ownMethod }] }]);
    expect(own.gatewayTools.tools).toEqual([
      { tool: { id: ownTool.id, organizationId: outsider.organizationId } },
    ]);
    // Besides the assigned tool, the organization has the two generated from its API.
    const ownOrganization = { organizationId: outsider.organizationId };
    expect(own.availableTools.tools).toEqual([ownOrganization, ownOrganization]);
    expect(own.tools.tools).toEqual([ownOrganization, ownOrganization, ownOrganization]);
  });
});
