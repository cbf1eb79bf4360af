import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createGateway, createTool, httpTool, signUp } from '../helpers/fixtures.ts';
import { expectError, expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let owner: Account;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Reference Co');
});
afterAll(() => t.close());

describe('the Gateways API reference example', () => {
  it('creates, bulk assigns, protects with an api_key method and issues a key shown once', async () => {
    const created = await rest(t.app, 'POST', '/gateways', {
      caller: owner.caller,
      body: {
        name: 'Production MCP',
        type: 'mcp',
        endpoint: '/prod-tools',
        description: 'Production tool gateway',
      },
    });
    const gateway = expectOk(created, 201);
    expect(gateway).toMatchObject({
      name: 'Production MCP',
      type: 'mcp',
      endpoint: '/prod-tools',
      status: 'active',
      toolCount: 0,
      description: 'Production tool gateway',
      url: `http://toolgate.test/${owner.organizationSlug}/prod-tools`,
    });
    expect(gateway.id).toMatch(UUID);
    expect(gateway.createdAt).toMatch(ISO);

    const tools = [await createTool(t.app, owner), await createTool(t.app, owner)];
    const bulk = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools/bulk`, {
        caller: owner.caller,
        body: { toolIds: tools.map((tool) => tool.id) },
      }),
      201,
    );
    expect(bulk.assigned.map((row: { toolId: string }) => row.toolId).sort()).toEqual(
      tools.map((tool) => tool.id).sort(),
    );
    expect(bulk.alreadyAssigned).toEqual([]);

    const method = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
        caller: owner.caller,
        body: { type: 'api_key', isRequired: true, configuration: { keyHeader: 'X-API-Key' } },
      }),
      201,
    );
    expect(method).toMatchObject({
      type: 'api_key',
      isRequired: true,
      configuration: { keyHeader: 'X-API-Key' },
      position: 0,
    });

    const key = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'CI key', scopes: ['tools:read', 'tools:execute'] },
      }),
      201,
    );
    expect(key.key).toMatch(/^almyty_gw_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'CI key', scopes: ['tools:read', 'tools:execute'], expiresAt: null });
    expect(key.key.startsWith(key.keyPrefix)).toBe(true);

    const listed = await rest(t.app, 'GET', `/gateways/${gateway.id}/auth/api-keys`, {
      caller: owner.caller,
    });
    const keys = expectOk(listed);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      id: key.id,
      keyPrefix: key.keyPrefix,
      status: 'active',
      lastUsedAt: null,
    });
    expect(keys[0]).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(key.key.slice(key.keyPrefix.length));

    const fetched = expectOk(await rest(t.app, 'GET', `/gateways/${gateway.id}`, { caller: owner.caller }));
    expect(fetched).toMatchObject({
      id: gateway.id,
      toolCount: 2,
      authMethods: [{ id: method.id, type: 'api_key', isRequired: true }],
    });
  });
});

describe('gateway routes', () => {
  it('normalizes the endpoint and validates configuration per type', async () => {
    const gateway = expectOk(
      await rest(t.app, 'POST', '/gateways', {
        caller: owner.caller,
        body: {
          name: 'Normalized',
          type: 'utcp',
          endpoint: 'no-slash/',
          configuration: { manualVersion: '2.0.0' },
        },
      }),
      201,
    );
    expect(gateway).toMatchObject({ endpoint: '/no-slash', configuration: { manualVersion: '2.0.0' } });
    const message = expectError(
      await rest(t.app, 'POST', '/gateways', {
        caller: owner.caller,
        body: {
          name: 'Bad config',
          type: 'mcp',
          endpoint: '/bad-config',
          configuration: { manualVersion: '1' },
        },
      }),
      'BAD_REQUEST',
    );
    expect(message).toContain('configuration');
    expect(message).toContain('manualVersion');
  });

  it('lists with pagination and filters', async () => {
    for (const [index, type] of ['a2a', 'a2a', 'skills'].entries())
      await createGateway(t.app, owner.caller, `/list-${index}`, type);
    const page = expectOk(
      await rest(t.app, 'GET', '/gateways?type=a2a&limit=1&page=2', { caller: owner.caller }),
    );
    expect(page).toMatchObject({ total: 2, page: 2, limit: 1, totalPages: 2 });
    expect(page.gateways).toHaveLength(1);
    expect(page.gateways[0].type).toBe('a2a');
    const searched = expectOk(await rest(t.app, 'GET', '/gateways?search=LIST-2', { caller: owner.caller }));
    expect(searched.gateways.map((gateway: { endpoint: string }) => gateway.endpoint)).toEqual(['/list-2']);
    expectError(await rest(t.app, 'GET', '/gateways?type=soap', { caller: owner.caller }), 'BAD_REQUEST');
    expectError(await rest(t.app, 'GET', '/gateways?page=0', { caller: owner.caller }), 'BAD_REQUEST');
  });

  it('updates fields and refuses a type change and a taken endpoint', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/to-update');
    await createGateway(t.app, owner.caller, '/taken');
    const updated = expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: {
          name: 'Renamed',
          status: 'maintenance',
          description: 'Now described',
          configuration: { pageSize: 50 },
        },
      }),
    );
    expect(updated).toMatchObject({
      name: 'Renamed',
      status: 'maintenance',
      description: 'Now described',
      configuration: { pageSize: 50 },
    });
    expect(
      expectError(
        await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
          caller: owner.caller,
          body: { type: 'a2a' },
        }),
        'BAD_REQUEST',
      ),
    ).toContain('type');
    expect(
      expectError(
        await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
          caller: owner.caller,
          body: { endpoint: '/taken' },
        }),
        'CONFLICT',
      ),
    ).toBe("Gateway with endpoint '/taken' already exists");
    const cleared = expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: { description: null },
      }),
    );
    expect(cleared.description).toBeNull();
  });

  it('deletes a gateway with its assignments and keys, keeping the tools', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/to-delete');
    const tool = await createTool(t.app, owner);
    expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, {
        caller: owner.caller,
        body: { toolId: tool.id },
      }),
      201,
    );
    expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'k' },
      }),
      201,
    );
    expect(
      expectOk(await rest(t.app, 'DELETE', `/gateways/${gateway.id}`, { caller: owner.caller })),
    ).toEqual({ id: gateway.id, deleted: true });
    expectError(await rest(t.app, 'GET', `/gateways/${gateway.id}`, { caller: owner.caller }), 'NOT_FOUND');
    expectOk(await rest(t.app, 'GET', `/tools/${tool.id}`, { caller: owner.caller }));
    expect(await t.app.deps.db.apiKey.count({ where: { gatewayId: gateway.id } })).toBe(0);
  });
});

describe('tool assignment', () => {
  it('assigns, lists with settings, updates settings, shows available tools and removes', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/assignments');
    const [first, second] = [
      await createTool(t.app, owner, httpTool(undefined, 'alpha_tool')),
      await createTool(t.app, owner, httpTool(undefined, 'beta_tool')),
    ];
    const assigned = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, {
        caller: owner.caller,
        body: { toolId: first.id },
      }),
      201,
    );
    expect(assigned).toMatchObject({
      toolId: first.id,
      enabled: true,
      rateLimit: null,
      securityPolicy: {},
      tool: { name: 'alpha_tool' },
    });
    expect(
      expectError(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, {
          caller: owner.caller,
          body: { toolId: first.id },
        }),
        'CONFLICT',
      ),
    ).toContain('already assigned');

    const available = expectOk(
      await rest(t.app, 'GET', `/gateways/${gateway.id}/tools/available?search=beta`, {
        caller: owner.caller,
      }),
    );
    expect(available.tools.map((tool: { id: string }) => tool.id)).toEqual([second.id]);

    const settings = expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}/tools/${first.id}`, {
        caller: owner.caller,
        body: { enabled: false, rateLimit: 30, securityPolicy: { allowedScopes: ['tools:execute'] } },
      }),
    );
    expect(settings).toMatchObject({
      enabled: false,
      rateLimit: 30,
      securityPolicy: { allowedScopes: ['tools:execute'] },
    });
    expectError(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}/tools/${first.id}`, {
        caller: owner.caller,
        body: { securityPolicy: { allowedScopes: ['admin'] } },
      }),
      'BAD_REQUEST',
    );
    expectError(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}/tools/${second.id}`, {
        caller: owner.caller,
        body: { enabled: false },
      }),
      'NOT_FOUND',
    );

    const list = expectOk(
      await rest(t.app, 'GET', `/gateways/${gateway.id}/tools`, { caller: owner.caller }),
    );
    expect(list).toMatchObject({ total: 1, page: 1, limit: 20, totalPages: 1 });
    expect(list.tools[0]).toMatchObject({ toolId: first.id, enabled: false, rateLimit: 30 });

    expect(
      expectOk(
        await rest(t.app, 'DELETE', `/gateways/${gateway.id}/tools/${first.id}`, { caller: owner.caller }),
      ),
    ).toEqual({ id: first.id, deleted: true });
    expectError(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/tools/${first.id}`, { caller: owner.caller }),
      'NOT_FOUND',
    );
  });

  it('bulk assignment is all or nothing and names the unknown ids', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/bulk');
    const stranger = await signUp(t.app, 'Stranger');
    const foreign = await createTool(t.app, stranger);
    const mine = await createTool(t.app, owner);
    const missing = '00000000-0000-4000-8000-000000000000';
    const message = expectError(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools/bulk`, {
        caller: owner.caller,
        body: { toolIds: [mine.id, foreign.id, missing] },
      }),
      'BAD_REQUEST',
    );
    expect(message).toContain(foreign.id);
    expect(message).toContain(missing);
    expect(message).not.toContain(mine.id);
    expect(await t.app.deps.db.gatewayTool.count({ where: { gatewayId: gateway.id } })).toBe(0);

    expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, {
        caller: owner.caller,
        body: { toolId: mine.id },
      }),
      201,
    );
    const other = await createTool(t.app, owner);
    const bulk = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools/bulk`, {
        caller: owner.caller,
        body: { toolIds: [mine.id, other.id] },
      }),
      201,
    );
    expect(bulk.alreadyAssigned).toEqual([mine.id]);
    expect(bulk.assigned.map((row: { toolId: string }) => row.toolId)).toEqual([other.id]);
  });
});

describe('auth methods and API keys', () => {
  it('validates configuration per type and keeps secrets out of answers', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/auth-methods');
    expect(
      expectError(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
          caller: owner.caller,
          body: { type: 'jwt', configuration: {} },
        }),
        'BAD_REQUEST',
      ),
    ).toContain('secret');
    expectError(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
        caller: owner.caller,
        body: { type: 'kerberos' },
      }),
      'BAD_REQUEST',
    );
    expect(
      expectError(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
          caller: owner.caller,
          body: { type: 'none', validationRules: { allowedIpRanges: ['10.0.0.0/33'] } },
        }),
        'BAD_REQUEST',
      ),
    ).toContain('validationRules.allowedIpRanges.0');

    const secret = 'a-very-long-shared-secret-for-hs256-tokens!';
    const jwt = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
        caller: owner.caller,
        body: { type: 'jwt', configuration: { secret, issuer: 'me' } },
      }),
      201,
    );
    expect(jwt.configuration).toEqual({ issuer: 'me', secretConfigured: true });
    const none = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, {
        caller: owner.caller,
        body: {
          type: 'none',
          isRequired: false,
          validationRules: { allowedIpRanges: ['203.0.113.0/24'], requiredHeaders: ['X-Tenant'] },
        },
      }),
      201,
    );
    expect(none).toMatchObject({
      position: 1,
      isRequired: false,
      validationRules: { allowedIpRanges: ['203.0.113.0/24'], requiredHeaders: ['X-Tenant'] },
    });

    const listed = await rest(t.app, 'GET', `/gateways/${gateway.id}/auth`, { caller: owner.caller });
    expect(expectOk(listed).map((method: { type: string }) => method.type)).toEqual(['jwt', 'none']);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const stored = await t.app.deps.db.authMethod.findUniqueOrThrow({ where: { id: jwt.id } });
    expect(JSON.stringify(stored)).not.toContain(secret);

    expect(
      expectOk(
        await rest(t.app, 'DELETE', `/gateways/${gateway.id}/auth/${jwt.id}`, { caller: owner.caller }),
      ),
    ).toEqual({ id: jwt.id, deleted: true });
    expectError(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/auth/${jwt.id}`, { caller: owner.caller }),
      'NOT_FOUND',
    );
  });

  it('issues keys with scopes and expiry and revokes them', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/keys');
    expectError(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'k', scopes: ['tools:write'] },
      }),
      'BAD_REQUEST',
    );
    expect(
      expectError(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
          caller: owner.caller,
          body: { name: 'k', expiresAt: '2001-01-01T00:00:00Z' },
        }),
        'BAD_REQUEST',
      ),
    ).toContain('expiresAt');
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const key = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'read only', scopes: ['gateway:read'], expiresAt },
      }),
      201,
    );
    expect(key).toMatchObject({ scopes: ['gateway:read'], expiresAt });
    const stored = await t.app.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.key);
    expect(await t.app.deps.gatewayKeys.verify(key.key)).toMatchObject({
      id: key.id,
      gatewayId: gateway.id,
      scopes: ['gateway:read'],
    });

    const revoked = expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/auth/api-keys/${key.id}`, {
        caller: owner.caller,
      }),
    );
    expect(revoked).toMatchObject({ id: key.id, status: 'revoked' });
    expect(revoked.revokedAt).toMatch(ISO);
    expect(await t.app.deps.gatewayKeys.verify(key.key)).toBeNull();
  });
});
