import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app.ts';
import { routeTable } from '../../server/rest/route-table.ts';
import type { RestRoute } from '../../server/rest/routes.ts';
import {
  type Account,
  createApiWithCredential,
  createGateway,
  createTool,
  httpTool,
  joinAs,
  PASSWORD,
  signUp,
} from '../helpers/fixtures.ts';
import { type Caller, expectData, expectOk, rest } from '../helpers/http.ts';
import {
  callGraphql,
  callRest,
  exampleCall,
  type RouteCall,
  type RouteIds,
  routeKey,
} from '../helpers/routes.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';

/** One organization with a bit of everything, built the same way in each app. */
interface World {
  app: App;
  owner: Account;
  ids: RouteIds;
  /** Tools named alpha (assigned), beta (graphql, deprecated) and gamma. */
  tools: Record<'alpha' | 'beta' | 'gamma', string>;
}

async function buildWorld(app: App): Promise<World> {
  const account = await signUp(app, 'Parity Co');
  // The owner creates more organizations below, so always names this one.
  const owner = { ...account, caller: { token: account.token, organizationId: account.organizationId } };
  const caller = owner.caller;
  const member = await joinAs(app, owner, 'member');
  const stranger = await signUp(app, 'Stranger');
  // Of type skills, the one type every gateway route answers for (only skills gateways render SKILL.md).
  const gateway = await createGateway(app, caller, '/parity', 'skills');
  await createGateway(app, caller, '/parity-a2a', 'a2a');
  const alpha = await createTool(app, owner, httpTool(undefined, 'alpha'));
  const beta = await createTool(app, owner, {
    name: 'beta',
    description: 'Asks a GraphQL API',
    type: 'graphql',
    status: 'deprecated',
    parameters: { type: 'object', properties: {} },
    executionConfig: { endpoint: 'https://api.example.com/graphql', query: 'query { items { id } }' },
  });
  const gamma = await createTool(app, owner, httpTool('https://api.example.com/gamma', 'gamma'));
  const path = `/gateways/${gateway.id}`;
  expectOk(await rest(app, 'POST', `${path}/tools`, { caller, body: { toolId: alpha.id } }), 201);
  const settings = { rateLimit: 30, securityPolicy: { allowedScopes: ['tools:execute'] } };
  expectOk(await rest(app, 'PATCH', `${path}/tools/${alpha.id}`, { caller, body: settings }));
  const secret = 'a-very-long-shared-secret-for-hs256-tokens!';
  const jwt = { type: 'jwt', configuration: { secret, issuer: 'me' } };
  const method = expectOk(await rest(app, 'POST', `${path}/auth`, { caller, body: jwt }), 201);
  const key = expectOk(
    await rest(app, 'POST', `${path}/auth/api-keys`, { caller, body: { name: 'CI' } }),
    201,
  );
  const api = await createApiWithCredential(app, owner, 'Parity API');
  return {
    app,
    owner,
    tools: { alpha: alpha.id, beta: beta.id, gamma: gamma.id },
    ids: {
      organizationId: owner.organizationId,
      gatewayId: gateway.id,
      toolId: alpha.id,
      authId: method.id,
      keyId: key.id,
      userId: member.userId,
      email: stranger.email,
      ...api,
    },
  };
}

let restSide: TestApp;
let graphqlSide: TestApp;
let worlds: [World, World];
// Tool calls go to this loopback server, which both apps may reach.
let upstream: UpstreamServer;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  const env = { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32' };
  [restSide, graphqlSide] = await Promise.all([createTestApp({ env }), createTestApp({ env })]);
  worlds = [await buildWorld(restSide.app), await buildWorld(graphqlSide.app)];
});
afterAll(async () => {
  await Promise.all([restSide.close(), graphqlSide.close()]);
  await upstream.close();
});

/** Query strings each read is compared with: lists with filters and pages. */
const reads: Record<string, string[]> = {
  'GET /auth/profile': [''],
  'GET /organizations': ['', 'page=2&limit=1'],
  'GET /organizations/:id': [''],
  'GET /organizations/:id/members': ['', 'page=2&limit=1'],
  'GET /organizations/:orgId/tools': [
    '',
    'search=ALP',
    'type=graphql',
    'status=deprecated',
    'page=2&limit=2',
  ],
  'GET /tools/:id': [''],
  'GET /gateways': ['', 'type=a2a', 'search=parity&limit=1&page=2'],
  'GET /gateways/:id': [''],
  'GET /gateways/:id/tools': ['', 'limit=1'],
  'GET /gateways/:id/tools/available': ['', 'search=gam', 'type=graphql'],
  'GET /gateways/:id/auth': [''],
  'GET /gateways/:id/auth/api-keys': [''],
  'GET /gateways/:id/tools/stats': [''],
  'GET /gateways/:id/skills': [''],
  'GET /apis': ['', 'limit=1'],
  'GET /apis/:id': [''],
  'GET /apis/:id/operations': [''],
  'GET /apis/:id/credentials': [''],
};

interface Setup extends Partial<RouteIds> {
  caller?: Caller;
  body?: Record<string, unknown>;
}

const newTool = async (w: World, name: string) =>
  (await createTool(w.app, w.owner, httpTool(undefined, name))).id;
const assignNew = async (w: World, name: string) => {
  const toolId = await newTool(w, name);
  const body = { toolId };
  const caller = w.owner.caller;
  expectOk(await rest(w.app, 'POST', `/gateways/${w.ids.gatewayId}/tools`, { caller, body }), 201);
  return toolId;
};

/**
 * What each mutation needs beyond the world, made fresh in both apps so that the REST call and its
 * GraphQL twin change equivalent objects. Routes not listed run their example call as the owner.
 */
const mutations: Record<string, (w: World) => Promise<Setup>> = {
  'POST /auth/register': async () => ({
    caller: {},
    body: {
      email: 'new@example.com',
      password: PASSWORD,
      firstName: 'N',
      lastName: 'C',
      organizationName: 'New Co',
    },
  }),
  'POST /auth/login': async (w) => ({ caller: {}, body: { email: w.owner.email, password: PASSWORD } }),
  'POST /auth/logout': async (w) => {
    const body = { email: w.owner.email, password: PASSWORD };
    return { caller: { token: expectOk(await rest(w.app, 'POST', '/auth/login', { body })).token } };
  },
  'PATCH /auth/change-password': async (w) => ({ caller: (await signUp(w.app, 'Password Co')).caller }),
  'DELETE /organizations/:id': async (w) => {
    const created = await rest(w.app, 'POST', '/organizations', {
      caller: w.owner.caller,
      body: { name: 'Gone' },
    });
    return { organizationId: expectOk(created, 201).id };
  },
  'POST /organizations/:id/members': async (w) => ({ email: (await signUp(w.app, 'Joiner')).email }),
  'PATCH /organizations/:id/members/:userId': async (w) => ({
    userId: (await joinAs(w.app, w.owner, 'admin')).userId,
  }),
  'DELETE /organizations/:id/members/:userId': async (w) => ({
    userId: (await joinAs(w.app, w.owner, 'member')).userId,
  }),
  'DELETE /tools/:id': async (w) => ({ toolId: await newTool(w, 'doomed') }),
  'DELETE /gateways/:id': async (w) => ({
    gatewayId: (await createGateway(w.app, w.owner.caller, '/doomed')).id,
  }),
  'POST /gateways/:id/tools': async (w) => ({ toolId: await newTool(w, 'assigned_one') }),
  'POST /gateways/:id/tools/bulk': async (w) => ({
    // One new tool only: assigned rows come back in id order, which differs between the apps.
    body: { toolIds: [await newTool(w, 'bulk_one'), w.tools.alpha] },
  }),
  'DELETE /gateways/:id/tools/:toolId': async (w) => ({ toolId: await assignNew(w, 'unassigned_one') }),
  'DELETE /gateways/:id/auth/:authId': async (w) => {
    const body = { type: 'api_key', configuration: { keyHeader: 'X-Key' } };
    const method = await rest(w.app, 'POST', `/gateways/${w.ids.gatewayId}/auth`, {
      caller: w.owner.caller,
      body,
    });
    return { authId: expectOk(method, 201).id };
  },
  'DELETE /gateways/:id/auth/api-keys/:keyId': async (w) => {
    const body = { name: 'Short lived' };
    const key = await rest(w.app, 'POST', `/gateways/${w.ids.gatewayId}/auth/api-keys`, {
      caller: w.owner.caller,
      body,
    });
    return { keyId: expectOk(key, 201).id };
  },
  'DELETE /apis/:id': async (w) => {
    const api = await rest(w.app, 'POST', '/apis', { caller: w.owner.caller, body: { name: 'Doomed API' } });
    return { apiId: expectOk(api, 201).id };
  },
  'DELETE /apis/:id/credentials/:credentialId': async (w) => {
    const body = { type: 'basic', name: 'spare', username: 'someone', password: 'Secret123' };
    const credential = await rest(w.app, 'POST', `/apis/${w.ids.apiId}/credentials`, {
      caller: w.owner.caller,
      body,
    });
    return { credentialId: expectOk(credential, 201).id };
  },
};

/**
 * An http tool calling the loopback upstream (made when called, once the upstream runs); `id` is a
 * required argument when `required`.
 */
const upstreamTool =
  (name: string, pathAndQuery: string, required = false) =>
  () => ({
    name,
    type: 'http',
    parameters: {
      type: 'object',
      properties: { id: { type: 'string' } },
      ...(required ? { required: ['id'] } : {}),
    },
    executionConfig: { method: 'GET', url: upstream.url(pathAndQuery) },
  });

/** Creates and updates whose REST answer must also equal a GraphQL read of the object right after. */
const readBack: Record<string, string> = {
  'PATCH /auth/profile': 'GET /auth/profile',
  'POST /organizations': 'GET /organizations/:id',
  'PATCH /organizations/:id': 'GET /organizations/:id',
  'POST /organizations/:orgId/tools': 'GET /tools/:id',
  'PATCH /tools/:id': 'GET /tools/:id',
  'POST /gateways': 'GET /gateways/:id',
  'PATCH /gateways/:id': 'GET /gateways/:id',
  'POST /apis': 'GET /apis/:id',
  'PATCH /apis/:id': 'GET /apis/:id',
};

/**
 * Makes two equivalent answers comparable: ids, timestamps, tokens, keys, emails and call durations differ
 * by nature.
 */
function normalized(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<token>')
    .replace(/almyty_gw_[\w-]+/g, '<key>')
    .replace(/[\w.+-]+@example\.com/g, '<email>')
    .replace(/"duration":\d+/g, '"duration":"<ms>"');
  return JSON.parse(text);
}

async function prepared(route: RestRoute, w: World): Promise<{ call: RouteCall; caller: Caller }> {
  const { caller, body, ...ids } = (await mutations[routeKey(route)]?.(w)) ?? {};
  const call = exampleCall(route, { ...w.ids, ...ids });
  return { call: body ? { ...call, body } : call, caller: caller ?? w.owner.caller };
}

const EXECUTE = 'POST /organizations/:orgId/tools/:id/execute';

/** The documented REST answer of a tool call, made from the fields of GraphQL's `executeTool` result. */
function executionAnswer(outcome: Record<string, unknown>): unknown {
  const duration = outcome.duration;
  if (outcome.status === 'success') {
    return { success: true, data: { result: outcome.result, duration, status: 'success' } };
  }
  return {
    success: false,
    error: outcome.error,
    errorCode: outcome.errorCode,
    upstreamStatus: outcome.upstreamStatus,
    details: outcome.details,
    duration,
    status: 'error',
  };
}

describe('REST answers what GraphQL answers', () => {
  it('covers every route', () => {
    const covered = routeTable.filter((route) => route.method === 'GET').map(routeKey);
    expect(Object.keys(reads).sort()).toEqual(covered.sort());
    for (const key of [...Object.keys(mutations), ...Object.entries(readBack).flat()]) {
      expect(routeTable.map(routeKey)).toContain(key);
    }
    // Routes that shape their own answer are compared below, one by one.
    expect(routeTable.filter((route) => route.present).map(routeKey)).toEqual([EXECUTE]);
  });

  const readCases = routeTable
    .filter((route) => route.method === 'GET')
    .flatMap((route) =>
      (reads[routeKey(route)] ?? []).map((query) => ({ key: routeKey(route), route, query })),
    );

  it.each(readCases)('$key?$query', async ({ route, query }) => {
    const [w] = worlds;
    const call = { ...exampleCall(route, w.ids), query };
    const data = expectOk(await callRest(w.app, route, call, w.owner.caller));
    const twin = expectData(await callGraphql(w.app, route, call, w.owner.caller));
    expect(data).toEqual(twin[route.field]);
    if (query === '') expect(JSON.stringify(data)).not.toMatch(/^(null|\[\]|\{\})$/);
  });

  const mutationCases = routeTable
    .filter((route) => route.method !== 'GET' && !route.present)
    .map((route) => ({ key: routeKey(route), route }));

  it.each(mutationCases)('$key', async ({ route }) => {
    const [restWorld, graphqlWorld] = worlds;
    const viaRest = await prepared(route, restWorld);
    const viaGraphql = await prepared(route, graphqlWorld);
    const data = expectOk(
      await callRest(restWorld.app, route, viaRest.call, viaRest.caller),
      route.status ?? 200,
    );
    const twin = expectData(await callGraphql(graphqlWorld.app, route, viaGraphql.call, viaGraphql.caller));
    expect(normalized(data)).toEqual(normalized(twin[route.field]));

    const read = routeTable.find((candidate) => routeKey(candidate) === readBack[routeKey(route)]);
    if (read) {
      const again = await callGraphql(restWorld.app, read, { params: { id: data.id } }, viaRest.caller);
      expect(expectData(again)[read.field]).toEqual(data);
    }
  });

  // A tool call answers in its own documented shape, failures included: not the error envelope.
  const execute = routeTable.find((route) => routeKey(route) === EXECUTE)!;
  const executions = [
    { outcome: 'a result', status: 200, tool: upstreamTool('reads_json', '/json') },
    { outcome: 'invalid arguments', status: 400, tool: upstreamTool('needs_id', '/json', true) },
    { outcome: 'an upstream failure', status: 502, tool: upstreamTool('fails', '/status?code=503') },
  ];

  it.each(executions)(
    `${routeKey(execute)} answers $outcome in the shape of executeTool's fields`,
    async ({ status, tool }) => {
      const [restWorld, graphqlWorld] = worlds;
      const call = async (w: World) => ({
        params: { orgId: w.ids.organizationId, id: (await createTool(w.app, w.owner, tool())).id },
        body: { parameters: {} },
      });
      const answer = await callRest(restWorld.app, execute, await call(restWorld), restWorld.owner.caller);
      const graphqlCall = await call(graphqlWorld);
      const twin = expectData(
        await callGraphql(graphqlWorld.app, execute, graphqlCall, graphqlWorld.owner.caller),
      );
      const outcome = twin[execute.field] as Record<string, unknown>;
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(normalized(answer.body)).toEqual(normalized(executionAnswer(outcome)));
      const restDuration = answer.body.data?.duration ?? (answer.body as { duration?: unknown }).duration;
      expect([restDuration, outcome.duration].every(Number.isInteger)).toBe(true);
    },
  );
});
