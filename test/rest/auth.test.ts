import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.ts';
import { RESERVED_SEGMENTS } from '../../server/services/slugs.ts';
import { countRows } from '../helpers/db-state.ts';
import { PASSWORD, signUp } from '../helpers/fixtures.ts';
import { expectError, expectGraphqlError, expectOk, gql, type RestResult, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const uniqueEmail = () => `person-${randomBytes(4).toString('hex')}@example.com`;
const registration = (fields: Record<string, unknown> = {}) => ({
  email: uniqueEmail(),
  password: PASSWORD,
  firstName: 'Ada',
  lastName: 'Lovelace',
  organizationName: 'Analytical Engines',
  ...fields,
});
const register = (app: App, body: Record<string, unknown>, clientIp?: string) =>
  rest(app, 'POST', '/auth/register', { body, caller: { clientIp } });
const login = (app: App, email: string, password: string, clientIp?: string) =>
  rest(app, 'POST', '/auth/login', { body: { email, password }, caller: { clientIp } });

describe('POST /auth/register', () => {
  it('creates the account and its organization and signs in', async () => {
    const body = registration({ email: `  Ada.${randomBytes(3).toString('hex')}@Example.com ` });
    const result = await register(t.app, body);
    const data = expectOk(result, 201);
    expect(data.token).toMatch(JWT);
    expect(data.user).toMatchObject({
      email: String(body.email).trim().toLowerCase(),
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(data.user.createdAt).toMatch(ISO);
    expect(data.organization).toMatchObject({
      name: 'Analytical Engines',
      slug: 'analytical-engines',
      role: 'owner',
    });
    expect(JSON.stringify(result.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(result.body)).not.toMatch(/password/i);
    const profile = expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: { token: data.token } }));
    expect(profile.id).toBe(data.user.id);
  });

  it('derives unique slugs and never a reserved one', async () => {
    const slugOf = async (organizationName: string) =>
      expectOk(await register(t.app, registration({ organizationName })), 201).organization.slug;
    expect(await slugOf('Acme')).toBe('acme');
    expect(await slugOf('ACME')).toBe('acme-2');
    const user = await signUp(t.app, 'Another Acme Owner');
    const created = await rest(t.app, 'POST', '/organizations', {
      caller: user.caller,
      body: { name: 'acme!' },
    });
    expect(expectOk(created, 201).slug).toBe('acme-3');
    for (const name of ['graphql', 'Health', 'gateways', 'Auth', '.well-known']) {
      const slug = await slugOf(name);
      expect(RESERVED_SEGMENTS.has(slug), slug).toBe(false);
      expect(slug).toMatch(new RegExp(`^${name.toLowerCase().replace(/^\./, '')}-[0-9a-f]{6}$`));
    }
    expect(await slugOf('!!!')).toMatch(/^org-[0-9a-f]{6}$/);
  });

  it.each([
    ['shorter than 8 characters', 'Abcde12'],
    ['without an upper-case letter', 'secret123'],
    ['without a lower-case letter', 'SECRET123'],
    ['without a digit', 'SecretPassword'],
  ])('refuses a password %s', async (_rule, password) => {
    const before = await countRows(t.app);
    const message = expectError(await register(t.app, registration({ password })), 'BAD_REQUEST');
    expect(message).toBe(
      'password: must be at least 8 characters with an upper-case letter, a lower-case letter and a digit',
    );
    expect(await countRows(t.app)).toEqual(before);
  });

  it('refuses an overlong password and an invalid email', async () => {
    const long = expectError(
      await register(t.app, registration({ password: `Aa1${'x'.repeat(300)}` })),
      'BAD_REQUEST',
    );
    expect(long).toBe('password: must be at most 256 characters');
    const email = expectError(await register(t.app, registration({ email: 'ada@' })), 'BAD_REQUEST');
    expect(email).toBe('email: must be an email address such as ada@example.com');
  });

  it('refuses an email that is already registered, in any case', async () => {
    const email = uniqueEmail();
    expectOk(await register(t.app, registration({ email })), 201);
    const before = await countRows(t.app);
    for (const again of [email, email.toUpperCase()]) {
      const message = expectError(await register(t.app, registration({ email: again })), 'CONFLICT');
      expect(message).toBe(`An account with email '${email}' already exists: log in instead`);
    }
    expect(await countRows(t.app)).toEqual(before);
  });
});

describe('POST /auth/login', () => {
  it('signs in with the email in any case', async () => {
    const user = await signUp(t.app, 'Login Co');
    const data = expectOk(await login(t.app, user.email.toUpperCase(), PASSWORD));
    expect(Object.keys(data).sort()).toEqual(['token', 'user']);
    expect(data.token).toMatch(JWT);
    expect(data.user).toMatchObject({ id: user.userId, email: user.email });
  });

  it('gives a wrong password and an unknown email the same answer', async () => {
    const user = await signUp(t.app, 'Secretive Co');
    const wrong = expectError(await login(t.app, user.email, 'Wrong1234'), 'UNAUTHORIZED');
    const unknown = expectError(await login(t.app, uniqueEmail(), PASSWORD), 'UNAUTHORIZED');
    expect(wrong).toBe('Email or password is incorrect');
    expect(unknown).toBe(wrong);
  });
});

describe('POST /auth/logout', () => {
  it('revokes the presented token only', async () => {
    const user = await signUp(t.app, 'Logout Co');
    const other = expectOk(await login(t.app, user.email, PASSWORD)).token;
    expect(expectOk(await rest(t.app, 'POST', '/auth/logout', { caller: user.caller }))).toEqual({
      loggedOut: true,
    });
    expectError(await rest(t.app, 'GET', '/auth/profile', { caller: user.caller }), 'UNAUTHORIZED');
    expectError(await rest(t.app, 'POST', '/auth/logout', { caller: user.caller }), 'UNAUTHORIZED');
    expect(expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: { token: other } })).id).toBe(
      user.userId,
    );
  });
});

describe('/auth/profile', () => {
  it('reads and updates the signed-in user', async () => {
    const user = await signUp(t.app, 'Profile Co');
    expect(expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: user.caller }))).toMatchObject({
      id: user.userId,
      email: user.email,
      firstName: 'Test',
      lastName: 'User',
    });
    const email = uniqueEmail();
    const body = { firstName: 'Grace', lastName: 'Hopper', email: email.toUpperCase() };
    const updated = expectOk(await rest(t.app, 'PATCH', '/auth/profile', { caller: user.caller, body }));
    expect(updated).toMatchObject({ id: user.userId, firstName: 'Grace', lastName: 'Hopper', email });
    expectOk(await login(t.app, email, PASSWORD));
    const empty = await rest(t.app, 'PATCH', '/auth/profile', {
      caller: user.caller,
      body: { firstName: ' ' },
    });
    expect(expectError(empty, 'BAD_REQUEST')).toBe('firstName: must not be empty');
  });

  it("refuses another account's email", async () => {
    const [user, other] = [await signUp(t.app, 'Mine'), await signUp(t.app, 'Theirs')];
    const taken = await rest(t.app, 'PATCH', '/auth/profile', {
      caller: user.caller,
      body: { email: other.email },
    });
    expect(expectError(taken, 'CONFLICT')).toBe(`An account with email '${other.email}' already exists`);
    expect(expectOk(await rest(t.app, 'GET', '/auth/profile', { caller: user.caller })).email).toBe(
      user.email,
    );
  });
});

describe('PATCH /auth/change-password', () => {
  it('needs the current password and a strong new one', async () => {
    const user = await signUp(t.app, 'Password Co');
    const change = (body: Record<string, unknown>) =>
      rest(t.app, 'PATCH', '/auth/change-password', { caller: user.caller, body });
    const wrong = await change({ currentPassword: 'Wrong1234', newPassword: 'Fresh12345' });
    expect(expectError(wrong, 'BAD_REQUEST')).toBe('currentPassword: is incorrect');
    const weak = await change({ currentPassword: PASSWORD, newPassword: 'weak' });
    expect(expectError(weak, 'BAD_REQUEST')).toMatch(/^newPassword: must be at least 8 characters/);
    expectOk(await login(t.app, user.email, PASSWORD));

    expect(expectOk(await change({ currentPassword: PASSWORD, newPassword: 'Fresh12345' }))).toEqual({
      changed: true,
    });
    expect(expectError(await login(t.app, user.email, PASSWORD), 'UNAUTHORIZED')).toBe(
      'Email or password is incorrect',
    );
    expectOk(await login(t.app, user.email, 'Fresh12345'));
  });
});

function expectRetryAfter(result: RestResult): number {
  const seconds = Number(result.headers.get('retry-after'));
  expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 900, `Retry-After ${seconds}`).toBe(true);
  return seconds;
}

describe('sign-in rate limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { AUTH_ATTEMPTS_PER_ACCOUNT: '3', AUTH_ATTEMPTS_PER_IP: '5' } });
  });
  afterAll(() => limited.close());

  it('limits attempts per account, from any address', async () => {
    const email = uniqueEmail();
    expectOk(await register(limited.app, registration({ email }), '10.0.0.1'), 201);
    for (const ip of ['10.1.0.1', '10.1.0.2', '10.1.0.3']) {
      expectError(await login(limited.app, email, 'Wrong1234', ip), 'UNAUTHORIZED');
    }
    const blocked = await login(limited.app, email, PASSWORD, '10.1.0.4');
    const seconds = expectRetryAfter(blocked);
    expect(expectError(blocked, 'RATE_LIMITED')).toBe(
      `Too many sign-in attempts: try again in ${seconds} seconds`,
    );
    const viaGraphql = await gql(
      limited.app,
      'mutation($input: LoginInput!) { login(input: $input) { token } }',
      { input: { email, password: PASSWORD } },
      { clientIp: '10.1.0.5' },
    );
    expectGraphqlError(viaGraphql, 'RATE_LIMITED');

    const other = uniqueEmail();
    expectOk(await register(limited.app, registration({ email: other }), '10.0.0.2'), 201);
    expectOk(await login(limited.app, other, PASSWORD, '10.1.0.6'));
  });

  it('limits attempts per address, whatever the account', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectError(await login(limited.app, uniqueEmail(), PASSWORD, '10.2.0.1'), 'UNAUTHORIZED');
    }
    const blocked = await login(limited.app, uniqueEmail(), PASSWORD, '10.2.0.1');
    expectRetryAfter(blocked);
    expectError(blocked, 'RATE_LIMITED');
    expectError(await register(limited.app, registration(), '10.2.0.1'), 'RATE_LIMITED');
    expectError(await login(limited.app, uniqueEmail(), PASSWORD, '10.2.0.2'), 'UNAUTHORIZED');
  });
});

describe('management rate limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { MANAGEMENT_RATE_LIMIT: '4' } });
  });
  afterAll(() => limited.close());

  it('reports the budget on every answer and refuses past it', async () => {
    const caller = { clientIp: '10.3.0.1' };
    const now = Math.floor(Date.now() / 1000);
    const answers = [
      await rest(limited.app, 'GET', '/auth/profile', { caller }),
      await rest(limited.app, 'POST', '/auth/login', {
        caller,
        body: { email: uniqueEmail(), password: PASSWORD },
      }),
      await rest(limited.app, 'GET', '/nowhere', { caller }),
      await rest(limited.app, 'POST', '/graphql', { caller, body: { query: '{ __typename }' } }),
    ];
    answers.forEach((answer, index) => {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('4');
      expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(3 - index));
      const reset = Number(answer.headers.get('x-ratelimit-reset'));
      expect(reset >= now && reset <= now + 61, `reset ${reset}`).toBe(true);
    });
    const refused = await rest(limited.app, 'GET', '/auth/profile', { caller });
    const seconds = expectRetryAfter(refused);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(expectError(refused, 'RATE_LIMITED')).toBe(`Too many requests: try again in ${seconds} seconds`);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expectError(
      await rest(limited.app, 'GET', '/auth/profile', { caller: { clientIp: '10.3.0.2' } }),
      'UNAUTHORIZED',
    );
  });
});
