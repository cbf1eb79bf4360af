import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/db-state.ts';
import { type Account, createGateway, createTool, joinAs, signUp } from '../helpers/fixtures.ts';
import { type Caller, expectError, expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const get = (path: string, caller: Caller) => rest(t.app, 'GET', path, { caller });
const send = (method: string, path: string, caller: Caller, body?: unknown) =>
  rest(t.app, method, path, { caller, body });

describe('organizations', () => {
  it('creates one owned by its creator, with a slug and a description', async () => {
    const user = await signUp(t.app, 'Founders');
    const created = expectOk(
      await send('POST', '/organizations', user.caller, {
        name: '  Side Project  ',
        description: 'Weekend work',
      }),
      201,
    );
    expect(created).toMatchObject({
      name: 'Side Project',
      slug: 'side-project',
      description: 'Weekend work',
      role: 'owner',
      storeExecutionPayloads: false,
    });
    expect(created.id).toMatch(UUID);
    expect(created.createdAt).toMatch(ISO);
    expect(expectOk(await get(`/organizations/${created.id}`, user.caller))).toEqual(created);
    const members = expectOk(await get(`/organizations/${created.id}/members`, user.caller));
    expect(members.members).toEqual([
      expect.objectContaining({ userId: user.userId, email: user.email, role: 'owner' }),
    ]);
    const plain = expectOk(await send('POST', '/organizations', user.caller, { name: 'Plain' }), 201);
    expect(plain.description).toBeNull();
  });

  it('lists mine with pagination', async () => {
    const user = await signUp(t.app, 'First');
    for (const name of ['Second', 'Third'])
      expectOk(await send('POST', '/organizations', user.caller, { name }), 201);
    const all = expectOk(await get('/organizations', user.caller));
    expect(all).toMatchObject({ total: 3, page: 1, limit: 20, totalPages: 1 });
    expect(all.organizations.map((org: { name: string }) => org.name)).toEqual(['First', 'Second', 'Third']);
    const page = expectOk(await get('/organizations?page=2&limit=2', user.caller));
    expect(page).toMatchObject({ total: 3, page: 2, limit: 2, totalPages: 2 });
    expect(page.organizations.map((org: { name: string }) => org.name)).toEqual(['Third']);
    expect(expectOk(await get('/organizations?page=5', user.caller)).organizations).toEqual([]);
    expectError(await get('/organizations?limit=0', user.caller), 'BAD_REQUEST');
    const stranger = await signUp(t.app, 'Elsewhere');
    const theirs = expectOk(await get('/organizations', stranger.caller));
    expect(theirs.organizations.map((org: { name: string }) => org.name)).toEqual(['Elsewhere']);
  });

  it('refuses a missing or empty name', async () => {
    const user = await signUp(t.app, 'Namer');
    const before = await countRows(t.app);
    expect(expectError(await send('POST', '/organizations', user.caller, {}), 'BAD_REQUEST')).toBe(
      'name: is required',
    );
    const blank = await send('POST', '/organizations', user.caller, { name: '  ' });
    expect(expectError(blank, 'BAD_REQUEST')).toBe('name: must not be empty');
    const long = await send('POST', '/organizations', user.caller, { name: 'n'.repeat(201) });
    expect(expectError(long, 'BAD_REQUEST')).toBe('name: must be at most 200 characters');
    expect(await countRows(t.app)).toEqual(before);
  });

  it('updates the name and description but keeps the slug', async () => {
    const owner = await signUp(t.app, 'Old Name');
    const path = `/organizations/${owner.organizationId}`;
    const admin = await joinAs(t.app, owner, 'admin');
    const renamed = expectOk(
      await send('PATCH', path, admin.caller, { name: 'New Name', description: 'Now described' }),
    );
    expect(renamed).toMatchObject({
      name: 'New Name',
      description: 'Now described',
      slug: 'old-name',
      role: 'admin',
    });
    const cleared = expectOk(await send('PATCH', path, owner.caller, { description: null }));
    expect(cleared).toMatchObject({ name: 'New Name', description: null, role: 'owner' });
    const empty = await send('PATCH', path, owner.caller, {});
    expect(expectError(empty, 'BAD_REQUEST')).toBe(
      'input: give at least one of name, description, storeExecutionPayloads',
    );
    expect(expectError(await send('PATCH', path, owner.caller, { slug: 'mine' }), 'BAD_REQUEST')).toMatch(
      /^slug: is not a known field/,
    );
  });

  it('deletes one with its gateways, tools and memberships', async () => {
    const owner = await signUp(t.app, 'Closing Down');
    const member = await joinAs(t.app, owner, 'member');
    await createGateway(t.app, owner.caller, '/closing');
    await createTool(t.app, owner);
    const path = `/organizations/${owner.organizationId}`;
    expect(expectOk(await send('DELETE', path, owner.caller))).toEqual({
      id: owner.organizationId,
      deleted: true,
    });
    expectError(await get(path, owner.caller), 'NOT_FOUND');
    expectError(await send('DELETE', path, owner.caller), 'NOT_FOUND');
    const where = { where: { organizationId: owner.organizationId } };
    const { db } = t.app.deps;
    expect(await db.organization.count({ where: { id: owner.organizationId } })).toBe(0);
    expect([
      await db.gateway.count(where),
      await db.tool.count(where),
      await db.membership.count(where),
    ]).toEqual([0, 0, 0]);
    // The member keeps their own organization and their account.
    expect(expectOk(await get('/organizations', { token: member.token })).total).toBe(1);
  });
});

describe('members', () => {
  let owner: Account;
  let members: string;

  beforeAll(async () => {
    owner = await signUp(t.app, 'Team');
    members = `/organizations/${owner.organizationId}/members`;
  });

  it('adds registered users with a role and lists them with pagination', async () => {
    const [first, second] = [await signUp(t.app, 'Joiner One'), await signUp(t.app, 'Joiner Two')];
    const added = expectOk(
      await send('POST', members, owner.caller, { email: first.email.toUpperCase(), role: 'admin' }),
      201,
    );
    expect(added).toMatchObject({
      userId: first.userId,
      email: first.email,
      firstName: 'Test',
      lastName: 'User',
      role: 'admin',
    });
    expect(added.joinedAt).toMatch(ISO);
    expectOk(await send('POST', members, owner.caller, { email: second.email, role: 'viewer' }), 201);

    const all = expectOk(await get(members, owner.caller));
    expect(all).toMatchObject({ total: 3, page: 1, limit: 20, totalPages: 1 });
    expect(all.members.map((member: { role: string }) => member.role)).toEqual(['owner', 'admin', 'viewer']);
    const page = expectOk(await get(`${members}?page=2&limit=2`, owner.caller));
    expect(page).toMatchObject({ total: 3, page: 2, limit: 2, totalPages: 2 });
    expect(page.members).toEqual([expect.objectContaining({ userId: second.userId, role: 'viewer' })]);
    // A new member sees the organization at once.
    const theirs = expectOk(await get('/organizations', first.caller));
    expect(theirs.organizations.map((org: { id: string }) => org.id)).toContain(owner.organizationId);
  });

  it('refuses an unregistered email, a second membership and an unknown role', async () => {
    const user = await signUp(t.app, 'Twice');
    const before = await countRows(t.app);
    const unknown = await send('POST', members, owner.caller, {
      email: 'nobody@example.com',
      role: 'member',
    });
    expect(expectError(unknown, 'NOT_FOUND')).toBe(
      "User with email 'nobody@example.com' (they must register first) not found",
    );
    const role = await send('POST', members, owner.caller, { email: user.email, role: 'boss' });
    expect(expectError(role, 'BAD_REQUEST')).toMatch(/^role: /);
    expect(await countRows(t.app)).toEqual(before);
    expectOk(await send('POST', members, owner.caller, { email: user.email, role: 'member' }), 201);
    const twice = await send('POST', members, owner.caller, { email: user.email, role: 'viewer' });
    expect(expectError(twice, 'CONFLICT')).toBe(`${user.email} is already a member`);
    expect(await t.app.deps.db.membership.count({ where: { userId: user.userId } })).toBe(2);
  });

  it('changes roles, and the new role applies at once', async () => {
    const user = await joinAs(t.app, owner, 'viewer');
    const gateway = { name: 'By member', type: 'mcp', endpoint: '/by-member' };
    expectError(await send('POST', '/gateways', user.caller, gateway), 'FORBIDDEN');
    const changed = expectOk(
      await send('PATCH', `${members}/${user.userId}`, owner.caller, { role: 'member' }),
    );
    expect(changed).toMatchObject({ userId: user.userId, role: 'member' });
    expectOk(await send('POST', '/gateways', user.caller, gateway), 201);
    expectError(
      await send('PATCH', `${members}/${user.userId}`, owner.caller, { role: 'chief' }),
      'BAD_REQUEST',
    );
    const stranger = await signUp(t.app, 'Not a member');
    const missing = await send('PATCH', `${members}/${stranger.userId}`, owner.caller, { role: 'admin' });
    expect(expectError(missing, 'NOT_FOUND')).toBe('Member not found');
  });

  it('removes members, and lets members remove themselves', async () => {
    const [admin, member, viewer] = [
      await joinAs(t.app, owner, 'admin'),
      await joinAs(t.app, owner, 'member'),
      await joinAs(t.app, owner, 'viewer'),
    ];
    const removed = await send('DELETE', `${members}/${member.userId}`, admin.caller);
    expect(expectOk(removed)).toEqual({ id: member.userId, deleted: true });
    expectError(await get(`/organizations/${owner.organizationId}`, member.caller), 'NOT_FOUND');
    expectError(await send('DELETE', `${members}/${member.userId}`, admin.caller), 'NOT_FOUND');

    for (const leaving of [viewer, admin]) {
      const left = await send('DELETE', `${members}/${leaving.userId}`, leaving.caller);
      expect(expectOk(left)).toEqual({ id: leaving.userId, deleted: true });
      expectError(await get(members, leaving.caller), 'NOT_FOUND');
    }
    const remaining = expectOk(await get(members, owner.caller)).members.map(
      (m: { userId: string }) => m.userId,
    );
    expect(remaining).not.toContain(viewer.userId);
    expect(remaining).not.toContain(admin.userId);
    expect(remaining).toContain(owner.userId);
  });
});
