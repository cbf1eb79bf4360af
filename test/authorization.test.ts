import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../server/rest/route-table.ts';
import { snapshotRows } from './helpers/db-state.ts';
import {
  type Account,
  createApiWithCredential,
  createGateway,
  createTool,
  httpTool,
  joinAs,
  signUp,
} from './helpers/fixtures.ts';
import { type Caller, expectError, expectGraphqlError, expectOk, rest } from './helpers/http.ts';
import {
  callGraphql,
  callRest,
  exampleCall,
  paramNames,
  type RouteIds,
  routeKey,
  withoutIds,
} from './helpers/routes.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

type Role = 'owner' | 'admin' | 'member' | 'viewer';

interface Access {
  /** The least role that may use the route; `account` for routes outside any organization. */
  least: Role | 'account';
  /** Routes anyone may call without a token. */
  open?: boolean;
  /**
   * The answer when the container (organization or gateway) is the caller's own but the object inside it
   * belongs to another organization: the same as for an id that does not exist.
   */
  inner?: 'NOT_FOUND' | 'BAD_REQUEST';
}

const access: Record<string, Access> = {
  'POST /auth/register': { least: 'account', open: true },
  'POST /auth/login': { least: 'account', open: true },
  'POST /auth/logout': { least: 'account' },
  'GET /auth/profile': { least: 'account' },
  'PATCH /auth/profile': { least: 'account' },
  'PATCH /auth/change-password': { least: 'account' },
  'GET /organizations': { least: 'account' },
  'POST /organizations': { least: 'account' },
  'GET /organizations/:id': { least: 'viewer' },
  'PATCH /organizations/:id': { least: 'admin' },
  'DELETE /organizations/:id': { least: 'owner' },
  'GET /organizations/:id/members': { least: 'viewer' },
  'POST /organizations/:id/members': { least: 'admin' },
  'PATCH /organizations/:id/members/:userId': { least: 'admin', inner: 'NOT_FOUND' },
  'DELETE /organizations/:id/members/:userId': { least: 'admin', inner: 'NOT_FOUND' },
  'GET /organizations/:orgId/tools': { least: 'viewer' },
  'POST /organizations/:orgId/tools': { least: 'member' },
  'GET /tools/:id': { least: 'viewer' },
  'PATCH /tools/:id': { least: 'member' },
  'DELETE /tools/:id': { least: 'member' },
  'GET /gateways': { least: 'viewer' },
  'POST /gateways': { least: 'member' },
  'GET /gateways/:id': { least: 'viewer' },
  'PATCH /gateways/:id': { least: 'member' },
  'DELETE /gateways/:id': { least: 'member' },
  'GET /gateways/:id/tools': { least: 'viewer' },
  'POST /gateways/:id/tools': { least: 'member', inner: 'NOT_FOUND' },
  'POST /gateways/:id/tools/bulk': { least: 'member', inner: 'BAD_REQUEST' },
  'GET /gateways/:id/tools/available': { least: 'viewer' },
  'PATCH /gateways/:id/tools/:toolId': { least: 'member', inner: 'NOT_FOUND' },
  'DELETE /gateways/:id/tools/:toolId': { least: 'member', inner: 'NOT_FOUND' },
  'POST /gateways/:id/auth': { least: 'admin' },
  'GET /gateways/:id/auth': { least: 'viewer' },
  'DELETE /gateways/:id/auth/:authId': { least: 'admin', inner: 'NOT_FOUND' },
  'POST /gateways/:id/auth/api-keys': { least: 'admin' },
  'GET /gateways/:id/auth/api-keys': { least: 'viewer' },
  'DELETE /gateways/:id/auth/api-keys/:keyId': { least: 'admin', inner: 'NOT_FOUND' },
  'GET /apis': { least: 'viewer' },
  'POST /apis': { least: 'member' },
  'GET /apis/:id': { least: 'viewer' },
  'PATCH /apis/:id': { least: 'member' },
  'DELETE /apis/:id': { least: 'member' },
  'POST /apis/:id/import-schema': { least: 'member' },
  'POST /apis/:id/generate-tools': { least: 'member' },
  'GET /apis/:id/operations': { least: 'viewer' },
  'GET /apis/:id/credentials': { least: 'viewer' },
  'POST /apis/:id/credentials': { least: 'member' },
  'DELETE /apis/:id/credentials/:credentialId': { least: 'member', inner: 'NOT_FOUND' },
  'POST /organizations/:orgId/tools/:id/execute': { least: 'member', inner: 'NOT_FOUND' },
  'GET /gateways/:id/tools/stats': { least: 'viewer' },
  'GET /gateways/:id/skills': { least: 'viewer' },
};

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
// A route missing from the table fails the first test below instead of escaping the matrix.
const routes = routeTable.flatMap((route) => {
  const entry = access[routeKey(route)];
  return entry ? [{ key: routeKey(route), route, access: entry }] : [];
});
const organizationRoutes = routes.filter(({ access }) => access.least !== 'account');
const withIds = organizationRoutes.filter(({ route }) => paramNames(route).length > 0);

function randomIds(): RouteIds {
  const id = () => randomUUID();
  const email = 'nobody@example.com';
  return {
    organizationId: id(),
    gatewayId: id(),
    toolId: id(),
    authId: id(),
    keyId: id(),
    userId: id(),
    email,
    apiId: id(),
    credentialId: id(),
  };
}

let t: TestApp;
let victim: Account;
let outsider: Account;
const roles = {} as Record<Exclude<Role, 'owner'>, Account>;
let victimIds: RouteIds;
let outsiderIds: RouteIds;

async function gatewayWithEverything(account: Account, endpoint: string) {
  // Of type skills, the one type every gateway route answers for (only skills gateways render SKILL.md).
  const created = await createGateway(t.app, account.caller, endpoint, 'skills');
  const made = await createTool(t.app, account, httpTool(undefined, `${endpoint.slice(1)}_tool`));
  const path = `/gateways/${created.id}`;
  const caller = account.caller;
  expectOk(await rest(t.app, 'POST', `${path}/tools`, { caller, body: { toolId: made.id } }), 201);
  const method = expectOk(await rest(t.app, 'POST', `${path}/auth`, { caller, body: { type: 'none' } }), 201);
  const key = expectOk(
    await rest(t.app, 'POST', `${path}/auth/api-keys`, { caller, body: { name: 'k' } }),
    201,
  );
  const api = await createApiWithCredential(t.app, account, `${endpoint.slice(1)} API`);
  return { gatewayId: created.id, toolId: made.id, authId: method.id, keyId: key.id, ...api };
}

beforeAll(async () => {
  t = await createTestApp();
  victim = await signUp(t.app, 'Victim Co');
  outsider = await signUp(t.app, 'Outsider Co');
  for (const role of ['viewer', 'member', 'admin'] as const) roles[role] = await joinAs(t.app, victim, role);
  const target = await joinAs(t.app, victim, 'member');
  const spare = await signUp(t.app, 'Spare');
  victimIds = {
    organizationId: victim.organizationId,
    userId: target.userId,
    email: spare.email,
    ...(await gatewayWithEverything(victim, '/victim')),
  };
  const outsiderMember = await joinAs(t.app, outsider, 'member');
  outsiderIds = {
    organizationId: outsider.organizationId,
    userId: outsiderMember.userId,
    email: spare.email,
    ...(await gatewayWithEverything(outsider, '/outsider')),
  };
});
afterAll(() => t.close());

describe('the route table', () => {
  it('lists every REST route exactly once', () => {
    const keys = routeTable.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(access).sort()).toEqual(keys.sort());
  });
});

describe("another organization's objects", () => {
  it.each(withIds)('$key answers 404 as for a missing id, and changes nothing', async ({ route, access }) => {
    const before = await snapshotRows(t.app);
    const theirs = expectError(
      await callRest(t.app, route, exampleCall(route, victimIds), outsider.caller),
      'NOT_FOUND',
    );
    const missing = expectError(
      await callRest(t.app, route, exampleCall(route, randomIds()), outsider.caller),
      'NOT_FOUND',
    );
    expect(theirs).toBe(missing);
    const twin = await callGraphql(t.app, route, exampleCall(route, victimIds), outsider.caller);
    expect(expectGraphqlError(twin, 'NOT_FOUND')).toBe(theirs);

    if (access.inner) {
      // The caller's own containers (organization, gateway, API) around the other ids.
      const mixed = (inner: RouteIds) => ({
        ...inner,
        organizationId: outsiderIds.organizationId,
        gatewayId: outsiderIds.gatewayId,
        apiId: outsiderIds.apiId,
      });
      const foreign = expectError(
        await callRest(t.app, route, exampleCall(route, mixed(victimIds)), outsider.caller),
        access.inner,
      );
      const absent = expectError(
        await callRest(t.app, route, exampleCall(route, mixed(randomIds())), outsider.caller),
        access.inner,
      );
      expect(withoutIds(foreign)).toBe(withoutIds(absent));
    }
    expect(await snapshotRows(t.app)).toEqual(before);
  });

  it.each(organizationRoutes)(
    '$key refuses an X-Organization-Id the caller is not a member of',
    async ({ route }) => {
      const before = await snapshotRows(t.app);
      const caller: Caller = { token: outsider.token, organizationId: victim.organizationId };
      const result = await callRest(t.app, route, exampleCall(route, victimIds), caller);
      // Routes naming the organization in the path check that one; the others need a selected organization.
      expectError(result, route.path.startsWith('/organizations/') ? 'NOT_FOUND' : 'NO_ORGANIZATION');
      expect(await snapshotRows(t.app)).toEqual(before);
    },
  );
});

describe('roles', () => {
  const cases = organizationRoutes.flatMap(({ key, route, access }) =>
    (['viewer', 'member', 'admin'] as const)
      .filter((role) => rank[role] < rank[access.least as Role])
      .map((role) => ({ key, route, access, role })),
  );

  it.each(cases)('$key is forbidden to a $role', async ({ route, role }) => {
    const before = await snapshotRows(t.app);
    const message = expectError(
      await callRest(t.app, route, exampleCall(route, victimIds), roles[role].caller),
      'FORBIDDEN',
    );
    expect(message).toContain(`'${role}'`);
    const twin = await callGraphql(t.app, route, exampleCall(route, victimIds), roles[role].caller);
    expect(expectGraphqlError(twin, 'FORBIDDEN')).toBe(message);
    expect(await snapshotRows(t.app)).toEqual(before);
  });

  it.each(organizationRoutes.filter(({ access }) => access.least === 'viewer'))(
    '$key is open to a viewer',
    async ({ route }) => {
      expectOk(await callRest(t.app, route, exampleCall(route, victimIds), roles.viewer.caller));
    },
  );
});

describe('credentials', () => {
  const guarded = routes.filter(({ access }) => !access.open);
  let loggedOut: string;

  beforeAll(async () => {
    const login = await rest(t.app, 'POST', '/auth/login', {
      body: { email: victim.email, password: 'Secret123' },
    });
    loggedOut = expectOk(login).token;
    expectOk(await rest(t.app, 'POST', '/auth/logout', { caller: { token: loggedOut } }));
  });

  it.each(guarded)('$key needs a valid, unrevoked token', async ({ route }) => {
    const before = await snapshotRows(t.app);
    const input = exampleCall(route, victimIds);
    expect(expectError(await callRest(t.app, route, input, {}), 'UNAUTHORIZED')).toContain(
      'Authorization: Bearer',
    );
    expectGraphqlError(await callGraphql(t.app, route, input, {}), 'UNAUTHORIZED');
    for (const token of ['garbage', `${victim.token}x`, loggedOut]) {
      const message = expectError(await callRest(t.app, route, input, { token }), 'UNAUTHORIZED');
      expect(message).toBe('The token is invalid, expired or revoked: log in again to get a new one');
    }
    expect(await snapshotRows(t.app)).toEqual(before);
  });

  it('keeps the other tokens of a user who logged out working', async () => {
    expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: victim.caller }));
  });
});
