import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createGateway, joinAs, PASSWORD, signUp } from '../helpers/fixtures.ts';
import { expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createUtcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  send,
  serveItems,
  TEST_ENV,
  type UtcpGateway,
} from './utcp/utcp-fixtures.ts';

type Method = [
  type: string,
  configuration?: Record<string, unknown>,
  rules?: { allowedIpRanges?: string[]; requiredHeaders?: string[] },
];

const JWT_SECRET = 'jwt-secret-for-gateway-tests-0123456789';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'toolgate-gateway';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let stranger: Account;
let endpoints = 0;

/** A utcp gateway of `account` serving one item tool, with `methods` added in order. */
async function gatewayWith(methods: Method[], account: Account = owner): Promise<UtcpGateway> {
  const gateway = await createUtcpGateway(t.app, account, t.url, `/auth-${++endpoints}`);
  await addTool(t.app, account, gateway.id, itemTool(upstream, `item_${endpoints}`));
  for (const [type, configuration, rules] of methods)
    await addAuthMethod(t.app, account, gateway.id, type, configuration, rules);
  return gateway;
}

const list = (gateway: UtcpGateway, headers: Record<string, string> = {}, query = '') =>
  send(`${gateway.url}/tools${query}`, { headers });
const invoke = (gateway: UtcpGateway, headers: Record<string, string> = {}, query = '') =>
  send(`${gateway.url}/tools/item_${gateway.endpoint.slice('/auth-'.length)}/invoke${query}`, {
    headers,
    body: { arguments: { id: '1' } },
  });

function expectRefused(answer: Awaited<ReturnType<typeof send>>, status: 401 | 403, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }, JSON.stringify(answer.body)).toEqual({
    status,
    code,
  });
}

const sign = (claims: JWTPayload, secret = JWT_SECRET, expiresAt: number | string = '5m') =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('agent-7')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Acme');
  stranger = await signUp(t.app, 'Elsewhere');
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

describe('gateway authentication: API keys', () => {
  it('refuses missing, wrong, revoked, expired and foreign keys with 401 and a challenge', async () => {
    const gateway = await gatewayWith([['api_key']]);
    const sibling = await gatewayWith([['api_key']]);
    const foreign = await gatewayWith([['api_key']], stranger);
    const good = await issueKey(t.app, owner, gateway.id);
    const revoked = await issueKey(t.app, owner, gateway.id);
    const expiresAt = Date.now() + 2_000;
    const expiring = await issueKey(t.app, owner, gateway.id, {
      expiresAt: new Date(expiresAt).toISOString(),
    });
    const siblingKey = await issueKey(t.app, owner, sibling.id);
    const foreignKey = await issueKey(t.app, stranger, foreign.id);

    expect((await list(gateway, { 'x-api-key': good.key })).status).toBe(200);
    expect((await list(gateway, { 'x-api-key': revoked.key })).status).toBe(200);
    expect((await list(gateway, { 'x-api-key': expiring.key })).status).toBe(200);
    expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/auth/api-keys/${revoked.id}`, {
        caller: owner.caller,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));

    const challenge = `ApiKey realm="${owner.organizationSlug}${gateway.endpoint}", header="X-API-Key"`;
    const cases: [string, Record<string, string>][] = [
      ['no credential', {}],
      ['a wrong key', { 'x-api-key': `${good.key.slice(0, -4)}abcd` }],
      ['not a key at all', { 'x-api-key': 'hello' }],
      ['a revoked key', { 'x-api-key': revoked.key }],
      ['an expired key', { 'x-api-key': expiring.key }],
      ["another gateway's key", { 'x-api-key': siblingKey.key }],
      ["another organization's key", { 'x-api-key': foreignKey.key }],
    ];
    for (const [name, headers] of cases) {
      for (const answer of [
        await list(gateway, headers),
        await invoke(gateway, headers),
        await send(gateway.url, { headers }),
      ]) {
        expect(answer.status, name).toBe(401);
        expect(answer.body.error.code, name).toBe('UNAUTHORIZED');
        expect(answer.headers.get('www-authenticate'), name).toBe(challenge);
      }
    }
    expect((await invoke(gateway, { 'x-api-key': good.key })).status).toBe(200);
  });

  it('accepts the key in X-API-Key, a configured header, Authorization: Bearer and ?api_key=', async () => {
    const standard = await gatewayWith([['api_key']]);
    const custom = await gatewayWith([['api_key', { keyHeader: 'X-Gateway-Key' }]]);
    const standardKey = await issueKey(t.app, owner, standard.id);
    const customKey = await issueKey(t.app, owner, custom.id);

    expect((await invoke(standard, { 'x-api-key': standardKey.key })).status).toBe(200);
    expect((await invoke(standard, { authorization: `Bearer ${standardKey.key}` })).status).toBe(200);
    expect((await invoke(standard, {}, `?api_key=${standardKey.key}`)).status).toBe(200);
    expect((await invoke(custom, { 'x-gateway-key': customKey.key })).status).toBe(200);
    expect((await invoke(custom, { authorization: `Bearer ${customKey.key}` })).status).toBe(200);
    const wrongHeader = await invoke(custom, { 'x-api-key': customKey.key });
    expect(wrongHeader.status).toBe(401);
    expect(wrongHeader.headers.get('www-authenticate')).toContain('header="X-Gateway-Key"');
  });

  it('answers 403 for a valid key without the scope the route needs', async () => {
    const gateway = await gatewayWith([['api_key']]);
    const reader = await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read'] });
    const caller = await issueKey(t.app, owner, gateway.id, { scopes: ['tools:execute'] });

    expect((await list(gateway, { 'x-api-key': reader.key })).status).toBe(200);
    expectRefused(await invoke(gateway, { 'x-api-key': reader.key }), 403, 'FORBIDDEN');
    expect((await invoke(gateway, { 'x-api-key': caller.key })).status).toBe(200);
    expectRefused(await list(gateway, { 'x-api-key': caller.key }), 403, 'FORBIDDEN');
    expectRefused(await send(gateway.url, { headers: { 'x-api-key': caller.key } }), 403, 'FORBIDDEN');
    expectRefused(
      await send(`${gateway.url}/health`, { headers: { 'x-api-key': reader.key } }),
      403,
      'FORBIDDEN',
    );
  });

  it("hides a tool whose securityPolicy.allowedScopes the caller's scopes do not meet", async () => {
    const gateway = await gatewayWith([['api_key']]);
    await addTool(t.app, owner, gateway.id, itemTool(upstream, 'admin_only'), {
      securityPolicy: { allowedScopes: ['gateway:read'] },
    });
    const plain = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
    const full = {
      'x-api-key': (
        await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read', 'tools:execute', 'gateway:read'] })
      ).key,
    };
    const adminInvoke = (headers: Record<string, string>) =>
      send(`${gateway.url}/tools/admin_only/invoke`, { headers, body: { arguments: { id: '1' } } });

    expect((await list(gateway, plain)).body.tools.map((tool: { name: string }) => tool.name)).not.toContain(
      'admin_only',
    );
    expect(
      (await send(gateway.url, { headers: plain })).body.tools.map((tool: { name: string }) => tool.name),
    ).not.toContain('admin_only');
    expect((await send(`${gateway.url}/tools/admin_only`, { headers: plain })).status).toBe(404);
    const hidden = await adminInvoke(plain);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('TOOL_NOT_FOUND');

    expect((await list(gateway, full)).body.tools.map((tool: { name: string }) => tool.name)).toContain(
      'admin_only',
    );
    expect((await adminInvoke(full)).status).toBe(200);
  });
});

describe('gateway authentication: validation rules', () => {
  it('refuses valid credentials from an address outside allowedIpRanges with 403', async () => {
    const gateway = await gatewayWith([['api_key', {}, { allowedIpRanges: ['203.0.113.0/24'] }]]);
    const key = await issueKey(t.app, owner, gateway.id);
    expectRefused(await list(gateway, { 'x-api-key': key.key }), 403, 'FORBIDDEN');
    expectRefused(await invoke(gateway, { 'x-api-key': key.key }), 403, 'FORBIDDEN');
    expectRefused(await list(gateway, { 'x-api-key': 'almyty_gw_wrong' }), 401, 'UNAUTHORIZED');
  });

  it('refuses a call without a required header with 403 and accepts it with the header', async () => {
    const gateway = await gatewayWith([['api_key', {}, { requiredHeaders: ['X-Tenant'] }]]);
    const key = await issueKey(t.app, owner, gateway.id);
    const missing = await invoke(gateway, { 'x-api-key': key.key });
    expectRefused(missing, 403, 'FORBIDDEN');
    expect(missing.body.error.message).toContain('X-Tenant');
    expect((await invoke(gateway, { 'x-api-key': key.key, 'x-tenant': 'acme' })).status).toBe(200);
  });

  it('tries methods in order and lets the first that accepts decide', async () => {
    const gateway = await gatewayWith([['api_key', {}, { requiredHeaders: ['X-Tenant'] }], ['bearer_token']]);
    const key = await issueKey(t.app, owner, gateway.id);
    // api_key also reads Authorization: Bearer, so it accepts first and its rule applies.
    expectRefused(await invoke(gateway, { authorization: `Bearer ${key.key}` }), 403, 'FORBIDDEN');

    const fallback = await gatewayWith([['jwt', { secret: JWT_SECRET }], ['basic_auth']]);
    const basic = `Basic ${Buffer.from(`${owner.email}:${PASSWORD}`).toString('base64')}`;
    expect((await invoke(fallback, { authorization: basic })).status).toBe(200);
    const token = await sign({ scope: 'tools:read tools:execute' });
    expect((await invoke(fallback, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('sends one challenge per configured method', async () => {
    const gateway = await gatewayWith([
      ['api_key', { keyHeader: 'X-Gateway-Key' }],
      ['basic_auth', { realm: 'Acme tools' }],
      ['jwt', { secret: JWT_SECRET }],
    ]);
    const answer = await list(gateway);
    expect(answer.status).toBe(401);
    const realm = `${owner.organizationSlug}${gateway.endpoint}`;
    expect(answer.headers.get('www-authenticate')).toBe(
      [
        `ApiKey realm="${realm}", header="X-Gateway-Key"`,
        'Basic realm="Acme tools", charset="UTF-8"',
        `Bearer realm="${realm}"`,
      ].join(', '),
    );
  });
});

describe('gateway authentication: other methods', () => {
  it('bearer_token accepts gateway keys in Authorization: Bearer only', async () => {
    const gateway = await gatewayWith([['bearer_token']]);
    const key = await issueKey(t.app, owner, gateway.id);
    expect((await invoke(gateway, { authorization: `Bearer ${key.key}` })).status).toBe(200);
    expectRefused(await invoke(gateway, { 'x-api-key': key.key }), 401, 'UNAUTHORIZED');
    expectRefused(await invoke(gateway, {}, `?api_key=${key.key}`), 401, 'UNAUTHORIZED');
  });

  it('basic_auth accepts organization members by email and password; viewers may only read', async () => {
    const gateway = await gatewayWith([['basic_auth']]);
    const viewer = await joinAs(t.app, owner, 'viewer');
    const basic = (email: string, password = PASSWORD) => ({
      authorization: `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
    });
    const member = await invoke(gateway, basic(owner.email));
    expect(member.status).toBe(200);
    expectRefused(await invoke(gateway, basic(owner.email, 'Wrong-password1')), 401, 'UNAUTHORIZED');
    const outsider = await invoke(gateway, basic(stranger.email));
    expectRefused(outsider, 401, 'UNAUTHORIZED');
    expect(outsider.headers.get('www-authenticate')).toBe(
      `Basic realm="${owner.organizationSlug}${gateway.endpoint}", charset="UTF-8"`,
    );
    expect((await list(gateway, basic(viewer.email))).status).toBe(200);
    expectRefused(await invoke(gateway, basic(viewer.email)), 403, 'FORBIDDEN');
    const records = await executionsOf(t.app, gateway.id);
    expect(records).toMatchObject([{ userId: owner.userId, apiKeyId: null, source: 'utcp' }]);
  });

  it('jwt with an HS256 secret checks signature, issuer, audience and expiry, and reads scopes', async () => {
    const gateway = await gatewayWith([['jwt', { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE }]]);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await invoke(gateway, bearer(await sign({ scope: 'tools:read tools:execute' })))).status).toBe(
      200,
    );
    expect((await invoke(gateway, bearer(await sign({ scopes: ['tools:execute'] })))).status).toBe(200);
    expectRefused(await invoke(gateway, bearer(await sign({ scope: 'tools:read' }))), 403, 'FORBIDDEN');
    expectRefused(await list(gateway, bearer(await sign({ scope: 'tools:execute' }))), 403, 'FORBIDDEN');

    const wrongSecret = await sign({ scope: 'tools:execute' }, 'another-secret-that-is-long-enough-000');
    const wrongIssuer = await new SignJWT({ scope: 'tools:execute' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://elsewhere.test')
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const wrongAudience = await new SignJWT({ scope: 'tools:execute' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const expired = await sign({ scope: 'tools:execute' }, JWT_SECRET, Math.floor(Date.now() / 1000) - 60);
    for (const [name, token] of [
      ['wrong secret', wrongSecret],
      ['wrong issuer', wrongIssuer],
      ['wrong audience', wrongAudience],
      ['expired', expired],
      ['not a JWT', 'abc.def'],
    ]) {
      const answer = await invoke(gateway, bearer(token!));
      expect(answer.status, name).toBe(401);
      expect(answer.headers.get('www-authenticate'), name).toBe(
        `Bearer realm="${owner.organizationSlug}${gateway.endpoint}"`,
      );
    }
  });

  it('jwt with a JWKS URL verifies RS256 tokens against the published keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const impostor = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    upstream.route('/jwks.json', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    const gateway = await gatewayWith([
      ['jwt', { jwksUrl: upstream.url('/jwks.json'), issuer: ISSUER, audience: AUDIENCE }],
    ]);
    const rs256 = (key: CryptoKey, kid = 'key-1') =>
      new SignJWT({ scope: 'tools:read tools:execute' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(key);
    expect((await invoke(gateway, { authorization: `Bearer ${await rs256(privateKey)}` })).status).toBe(200);
    expectRefused(
      await invoke(gateway, { authorization: `Bearer ${await rs256(impostor.privateKey)}` }),
      401,
      'UNAUTHORIZED',
    );
    expectRefused(
      await invoke(gateway, { authorization: `Bearer ${await sign({ scope: 'tools:execute' })}` }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses everything with 403 on a gateway without auth methods; none opens it', async () => {
    const closed = await gatewayWith([]);
    for (const answer of [
      await send(closed.url),
      await list(closed),
      await invoke(closed),
      await send(`${closed.url}/health`),
    ]) {
      expectRefused(answer, 403, 'FORBIDDEN');
      expect(answer.headers.get('www-authenticate')).toBeNull();
    }
    const open = await gatewayWith([['none']]);
    expect((await send(open.url)).status).toBe(200);
    expect((await list(open)).status).toBe(200);
    expect((await invoke(open)).status).toBe(200);
    expect((await send(`${open.url}/health`)).status).toBe(200);
    expect(await executionsOf(t.app, open.id)).toMatchObject([
      { apiKeyId: null, userId: null, source: 'utcp', success: true },
    ]);
  });

  it('answers an oauth2-only gateway with 401 and a resource_metadata challenge', async () => {
    const gateway = await gatewayWith([['oauth2']]);
    const answer = await invoke(gateway, { authorization: 'Bearer some-token' });
    expectRefused(answer, 401, 'UNAUTHORIZED');
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="http://toolgate.test/${owner.organizationSlug}${gateway.endpoint}/.well-known/oauth-protected-resource"`,
    );
  });
});

describe('gateway limits and addressing', () => {
  it('limits calls per tool and caller with 429, Retry-After and X-RateLimit-* headers', async () => {
    const gateway = await createUtcpGateway(t.app, owner, t.url, '/limited');
    await addTool(t.app, owner, gateway.id, itemTool(upstream, 'limited_item'), { rateLimit: 2 });
    await addAuthMethod(t.app, owner, gateway.id, 'api_key');
    const first = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
    const second = { 'x-api-key': (await issueKey(t.app, owner, gateway.id)).key };
    const call = (headers: Record<string, string>) =>
      send(`${gateway.url}/tools/limited_item/invoke`, { headers, body: { arguments: { id: '1' } } });

    expect((await call(first)).status).toBe(200);
    expect((await call(first)).status).toBe(200);
    const limited = await call(first);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(limited.headers.get(name), name).toMatch(/^\d+$/);
    }
    // The limit is per caller: another key still gets through.
    expect((await call(second)).status).toBe(200);
    expect(await executionsOf(t.app, gateway.id)).toHaveLength(3);
  });

  it('answers 503 in maintenance, 404 for unknown gateways, and serves the alias and the organization id', async () => {
    const gateway = await gatewayWith([['none']]);
    const mcp = await createGateway(t.app, owner.caller, '/mcp-only', 'mcp');
    const slug = owner.organizationSlug;

    expect((await send(`${t.url}/utcp/${slug}${gateway.endpoint}/tools`)).status).toBe(200);
    expect((await send(`${t.url}/${owner.organizationId}${gateway.endpoint}/tools`)).status).toBe(200);
    expect((await send(`${t.url}/utcp/${owner.organizationId}${gateway.endpoint}`)).body.tools).toHaveLength(
      1,
    );
    expect((await send(`${t.url}/utcp/${slug}${mcp.endpoint}/tools`)).status).toBe(404);
    expect((await send(`${t.url}/${slug}/no-such-gateway/tools`)).status).toBe(404);
    expect((await send(`${t.url}/no-such-org${gateway.endpoint}/tools`)).status).toBe(404);
    expect((await send(`${t.url}/${stranger.organizationSlug}${gateway.endpoint}/tools`)).status).toBe(404);

    for (const organization of ['%E0%A4%A', '%00', 'a%2Fb']) {
      expect((await send(`${t.url}/${organization}${gateway.endpoint}/tools`)).status, organization).toBe(
        404,
      );
      expect(
        (await send(`${t.url}/utcp/${organization}${gateway.endpoint}/tools`)).status,
        organization,
      ).toBe(404);
    }
    // Asking with another letter case first must not cache a miss that hides the gateway.
    expect((await send(`${t.url}/${slug.toUpperCase()}${gateway.endpoint}/tools`)).status).toBe(200);
    expect((await send(`${t.url}/${slug}${gateway.endpoint}/tools`)).status).toBe(200);

    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: { status: 'maintenance' },
      }),
    );
    const paused = await invoke(gateway);
    expect(paused.status).toBe(503);
    expect(paused.body.error.code).toBe('GATEWAY_UNAVAILABLE');
  });
});
