import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../server/rest/route-table.ts';
import { countRows } from './helpers/db-state.ts';
import {
  type Account,
  createApiWithCredential,
  createGateway,
  createTool,
  joinAs,
  signUp,
} from './helpers/fixtures.ts';
import { expectError, expectGraphqlError, expectOk, gql, type RestResult, rest } from './helpers/http.ts';
import {
  callGraphql,
  callRest,
  exampleBodies,
  exampleCall,
  paramNames,
  pathOf,
  type RouteCall,
  type RouteIds,
  routeKey,
  routeVariables,
} from './helpers/routes.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let owner: Account;
let ids: RouteIds;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Bad Input Co');
  const gateway = await createGateway(t.app, owner.caller, '/prod-tools');
  const tool = await createTool(t.app, owner);
  const caller = owner.caller;
  const path = `/gateways/${gateway.id}`;
  expectOk(await rest(t.app, 'POST', `${path}/tools`, { caller, body: { toolId: tool.id } }), 201);
  const method = expectOk(await rest(t.app, 'POST', `${path}/auth`, { caller, body: { type: 'none' } }), 201);
  const key = expectOk(
    await rest(t.app, 'POST', `${path}/auth/api-keys`, { caller, body: { name: 'k' } }),
    201,
  );
  const member = await joinAs(t.app, owner, 'member');
  const outsider = await signUp(t.app, 'Outsider');
  ids = {
    organizationId: owner.organizationId,
    gatewayId: gateway.id,
    toolId: tool.id,
    authId: method.id,
    keyId: key.id,
    userId: member.userId,
    email: outsider.email,
    ...(await createApiWithCredential(t.app, owner)),
  };
});
afterAll(() => t.close());

/** Sends a request that must be refused with a 4xx `code` and leave every table as it was. */
async function refused(send: () => Promise<RestResult>, code = 'BAD_REQUEST'): Promise<string> {
  const before = await countRows(t.app);
  const result = await send();
  expect(result.status, result.request).toBeLessThan(500);
  const message = expectError(result, code);
  expect(await countRows(t.app)).toEqual(before);
  return message;
}

const post = (path: string, body: unknown) => () => rest(t.app, 'POST', path, { caller: owner.caller, body });
const patch = (path: string, body: unknown) => () =>
  rest(t.app, 'PATCH', path, { caller: owner.caller, body });
const gateway = (fields: Record<string, unknown>) => ({
  name: 'Bad',
  type: 'mcp',
  endpoint: '/bad',
  ...fields,
});
const withRoute = (route: (typeof routeTable)[number]) => ({ key: routeKey(route), route });

describe('fields', () => {
  it('names a missing or wrong-typed field', async () => {
    const tools = `/organizations/${owner.organizationId}/tools`;
    const cases: [() => Promise<RestResult>, string][] = [
      [post('/gateways', { type: 'mcp', endpoint: '/bad' }), 'name: is required'],
      [post('/gateways', { name: 'Bad', endpoint: '/bad' }), 'type: is required'],
      [post('/gateways', { name: 'Bad', type: 'mcp' }), 'endpoint: is required'],
      [post('/gateways', gateway({ name: 5 })), 'name: String cannot represent a non string value: 5'],
      [post('/gateways', gateway({ name: null })), 'name: is required'],
      [post('/gateways', gateway({ name: '   ' })), 'name: must not be empty'],
      [post('/gateways', gateway({ endpoint: true })), 'endpoint: String cannot represent'],
      [post('/gateways', gateway({ description: 7 })), 'description: String cannot represent'],
      [post('/gateways', gateway({ configuration: [] })), 'configuration: must be a JSON object'],
      [post('/gateways', gateway({ configuration: 'x' })), 'configuration: must be a JSON object'],
      [post('/gateways', gateway({ configuration: { pageSize: 'ten' } })), 'configuration.pageSize: '],
      [post(tools, { name: 'x', type: 'http' }), 'executionConfig: is required'],
      [post(tools, { name: 'x', type: 'http', executionConfig: {} }), 'executionConfig.method: '],
      [post(`/gateways/${ids.gatewayId}/auth`, { type: 5 }), 'type: '],
      [post(`/gateways/${ids.gatewayId}/auth`, { type: 'none', isRequired: 'yes' }), 'isRequired: '],
      [post(`/gateways/${ids.gatewayId}/auth/api-keys`, { name: 'k', scopes: [5] }), 'scopes[0]: '],
      [post(`/gateways/${ids.gatewayId}/auth/api-keys`, { name: 'k', expiresAt: 'soon' }), 'expiresAt: '],
      [post(`/gateways/${ids.gatewayId}/tools`, {}), 'toolId: is required'],
      [post(`/gateways/${ids.gatewayId}/tools/bulk`, {}), 'toolIds: is required'],
      [post(`/gateways/${ids.gatewayId}/tools/bulk`, { toolIds: [{}] }), 'toolIds[0]: '],
      [post(`/gateways/${ids.gatewayId}/tools/bulk`, { toolIds: [] }), 'toolIds: give at least one tool id'],
      [patch(`/gateways/${ids.gatewayId}/tools/${ids.toolId}`, { rateLimit: 'fast' }), 'rateLimit: '],
      [patch(`/gateways/${ids.gatewayId}/tools/${ids.toolId}`, { rateLimit: 0 }), 'rateLimit: '],
      [post(`/organizations/${owner.organizationId}/members`, { email: ids.email, role: 'king' }), 'role: '],
      [patch('/auth/profile', { email: 'not-an-email' }), 'email: must be an email address'],
      [
        post('/auth/register', { ...exampleBodies['POST /auth/register']!(ids), password: undefined }),
        'password: is required',
      ],
    ];
    for (const [send, start] of cases) expect(await refused(send)).toMatch(new RegExp(`^${literal(start)}`));
  });

  it('names the field even when a value contains the separators of GraphQL messages', async () => {
    const tricky = { description: 'look at "this"; then that; ' };
    expect(await refused(post('/gateways', gateway({ ...tricky, bogus: 1 })))).toBe(
      'bogus: is not a known field (CreateGatewayInput)',
    );
    expect(await refused(post('/gateways', { ...tricky, name: 'a; b', type: 'mcp' }))).toBe(
      'endpoint: is required',
    );
    expect(await refused(post('/gateways', gateway({ ...tricky, name: 5 })))).toBe(
      'name: String cannot represent a non string value: 5',
    );
    const viaGraphql = await gql(
      t.app,
      'mutation($input: CreateGatewayInput!) { createGateway(input: $input) { id } }',
      { input: gateway({ ...tricky, bogus: 1 }) },
      owner.caller,
    );
    expect(expectGraphqlError(viaGraphql, 'BAD_REQUEST')).toBe(
      'bogus: is not a known field (CreateGatewayInput)',
    );
  });

  it('names the fields of a credential, which GraphQL takes as a plain JSON object', async () => {
    const credentials = `/apis/${ids.apiId}/credentials`;
    const typo = { type: 'bearer', token: 'secret', tokne: 'secret' };
    expect(await refused(post(credentials, typo))).toBe('tokne: is not a known field');
    const viaGraphql = await gql(
      t.app,
      'mutation($apiId: ID!, $input: JSONObject!) { setApiCredential(apiId: $apiId, input: $input) { id } }',
      { apiId: ids.apiId, input: typo },
      owner.caller,
    );
    expect(expectGraphqlError(viaGraphql, 'BAD_REQUEST')).toBe('tokne: is not a known field');
    expect(await refused(post(credentials, { type: 'bearer' }))).toMatch(/^token: /);
    expect(await refused(post(credentials, { type: 'cookie_jar', token: 'x' }))).toMatch(
      /^type: .*api_key, bearer, basic, oauth2_client_credentials$/,
    );
    const both = { schemaUrl: 'https://api.example.com/openapi.json', schemaContent: '{}' };
    expect(await refused(post(`/apis/${ids.apiId}/import-schema`, both))).toBe(
      'schemaUrl: give exactly one of schemaUrl or schemaContent',
    );
  });

  it('names an unknown gateway type', async () => {
    const message = await refused(post('/gateways', gateway({ type: 'soap' })));
    expect(message).toMatch(/^type: .*"soap"/);
    expect(await refused(() => rest(t.app, 'GET', '/gateways?type=soap', { caller: owner.caller }))).toMatch(
      /^type: /,
    );
  });

  it('refuses page and limit outside their ranges', async () => {
    const list = (query: string) => () => rest(t.app, 'GET', `/gateways?${query}`, { caller: owner.caller });
    expect(await refused(list('page=0'))).toBe('page: must be a whole number of at least 1');
    expect(await refused(list('page=-3'))).toBe('page: must be a whole number of at least 1');
    expect(await refused(list('limit=101'))).toBe('limit: must be a whole number from 1 to 100');
    expect(await refused(list('limit=abc'))).toMatch(/^limit: /);
    expect(await refused(list('limit=99999999999'))).toMatch(/^limit: /);
  });

  it.each(routeTable.filter((route) => route.hasBody).map(withRoute))(
    '$key refuses an unknown body field',
    async ({ route }) => {
      const call = exampleCall(route, ids);
      const send = () =>
        callRest(t.app, route, { ...call, body: { ...call.body, unexpectedField: 1 } }, owner.caller);
      expect(await refused(send)).toMatch(/^unexpectedField: is not a known field/);
    },
  );

  it('refuses unknown keys inside nested objects', async () => {
    const configuration = await refused(post('/gateways', gateway({ configuration: { serverNmae: 'x' } })));
    expect(configuration).toContain('configuration');
    expect(configuration).toContain('serverNmae');
    const policy = patch(`/gateways/${ids.gatewayId}/tools/${ids.toolId}`, {
      securityPolicy: { scopes: [] },
    });
    expect(await refused(policy)).toMatch(/^securityPolicy\.scopes: is not a known field/);
    const rules = post(`/gateways/${ids.gatewayId}/auth`, {
      type: 'none',
      validationRules: { allowIps: [] },
    });
    expect(await refused(rules)).toBe('validationRules.allowIps: is not a known field');
  });
});

describe('endpoints', () => {
  const invalid =
    "endpoint: must be one path segment like '/prod-tools': lowercase letters, digits, '-' and '_', at most 64 characters";

  it.each([
    '/Prod-Tools',
    '/prod tools',
    '/prod/tools',
    `/${'a'.repeat(65)}`,
    '/',
    '',
    '/prod.tools',
    '//prod',
  ])('refuses %j', async (endpoint) => {
    expect(await refused(post('/gateways', gateway({ endpoint })))).toBe(invalid);
    expect(await refused(patch(`/gateways/${ids.gatewayId}`, { endpoint }))).toBe(invalid);
  });

  it('accepts 64 characters and adds a missing slash', async () => {
    const endpoint = 'a'.repeat(64);
    expect((await createGateway(t.app, owner.caller, endpoint)).endpoint).toBe(`/${endpoint}`);
  });

  it('refuses an endpoint already used in the organization, however it is written', async () => {
    for (const endpoint of ['/prod-tools', 'prod-tools', 'prod-tools/', ' /prod-tools ']) {
      const message = await refused(post('/gateways', gateway({ endpoint })), 'CONFLICT');
      expect(message).toBe("Gateway with endpoint '/prod-tools' already exists");
    }
    const other = await createGateway(t.app, owner.caller, '/other-tools');
    const moved = await refused(patch(`/gateways/${other.id}`, { endpoint: '/prod-tools' }), 'CONFLICT');
    expect(moved).toBe("Gateway with endpoint '/prod-tools' already exists");
    const elsewhere = await signUp(t.app, 'Elsewhere');
    expect((await createGateway(t.app, elsewhere.caller, '/prod-tools')).endpoint).toBe('/prod-tools');
  });
});

describe('bodies', () => {
  it.each(routeTable.filter((route) => route.hasBody).map(withRoute))(
    '$key refuses malformed JSON and bodies that are not objects',
    async ({ route }) => {
      const path = pathOf(route, exampleCall(route, ids));
      const send = (body: string) => () => rest(t.app, route.method, path, { caller: owner.caller, body });
      expect(await refused(send('{"name":'))).toMatch(/^body: is not valid JSON \(.+\); send a JSON object$/);
      for (const body of ['[{"name":"x"}]', 'null', '"text"', '42']) {
        expect(await refused(send(body))).toBe('body: must be a JSON object');
      }
    },
  );

  it('gives GraphQL a 400 for malformed JSON and batches', async () => {
    for (const body of ['{"query":', '[{"query":"{ me { id } }"}]']) {
      const response = await t.app.fetch(
        new Request('http://toolgate.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
          body,
        }),
      );
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(answer.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    }
  });
});

describe('ids', () => {
  const positions = routeTable.flatMap((route) =>
    paramNames(route).map((param) => ({ key: routeKey(route), route, param })),
  );

  it.each(positions)('$key refuses a malformed :$param', async ({ route, param }) => {
    const call = exampleCall(route, ids);
    const bad: RouteCall = { ...call, params: { ...call.params, [param]: 'not-a-uuid' } };
    // The message names the GraphQL argument the parameter feeds, e.g. `gatewayId` for /gateways/:id/tools.
    const argument = Object.entries(routeVariables(route, bad)).find(
      ([, value]) => value === 'not-a-uuid',
    )![0];
    const message = await refused(() => callRest(t.app, route, bad, owner.caller));
    expect(message).toBe(`${argument}: must be a UUID such as 3f2a…-…; got 'not-a-uuid'`);
    expect(expectGraphqlError(await callGraphql(t.app, route, bad, owner.caller), 'BAD_REQUEST')).toBe(
      message,
    );

    const undecodable: RouteCall = { ...call, params: { ...call.params, [param]: '%E0%A4%A' } };
    expect(await refused(() => callRest(t.app, route, undecodable, owner.caller))).toMatch(
      new RegExp(`^${param}: '%E0%A4%A' is not valid percent-encoding`),
    );
  });

  it('refuses malformed tool ids in bodies', async () => {
    const assign = post(`/gateways/${ids.gatewayId}/tools`, { toolId: 'not-a-uuid' });
    expect(await refused(assign)).toBe("toolId: must be a UUID such as 3f2a…-…; got 'not-a-uuid'");
    const bulk = post(`/gateways/${ids.gatewayId}/tools/bulk`, { toolIds: [ids.toolId, 'nope'] });
    expect(await refused(bulk)).toBe("toolIds[1]: must be a UUID such as 3f2a…-…; got 'nope'");
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Keep the example bodies honest: every route with a body has one.
it('has an example body for every route that takes one', () => {
  expect(Object.keys(exampleBodies).sort()).toEqual(
    routeTable
      .filter((r) => r.hasBody)
      .map(routeKey)
      .sort(),
  );
});
