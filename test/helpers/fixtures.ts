import { randomBytes } from 'node:crypto';
import type { App } from '../../server/app.ts';
import { type Caller, expectOk, rest } from './http.ts';

export const PASSWORD = 'Secret123';

export interface Account {
  token: string;
  userId: string;
  email: string;
  organizationId: string;
  organizationSlug: string;
  caller: Caller;
}

/** Registers a user with a new organization of their own. */
export async function signUp(app: App, name = 'Acme'): Promise<Account> {
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const data = expectOk(
    await rest(app, 'POST', '/auth/register', {
      body: { email, password: PASSWORD, firstName: 'Test', lastName: 'User', organizationName: name },
    }),
    201,
  );
  return {
    token: data.token,
    userId: data.user.id,
    email,
    organizationId: data.organization.id,
    organizationSlug: data.organization.slug,
    caller: { token: data.token },
  };
}

/** Registers a user and makes them a member of `owner`'s organization with `role`. */
export async function joinAs(
  app: App,
  owner: Account,
  role: 'admin' | 'member' | 'viewer',
): Promise<Account> {
  const account = await signUp(app, `Own ${role}`);
  expectOk(
    await rest(app, 'POST', `/organizations/${owner.organizationId}/members`, {
      caller: owner.caller,
      body: { email: account.email, role },
    }),
    201,
  );
  // Two organizations now: act in the owner's one.
  return { ...account, caller: { token: account.token, organizationId: owner.organizationId } };
}

let toolCounter = 0;

/** An http tool definition pointing at `url`. */
export function httpTool(
  url = 'https://api.example.com/items/{{parameters.id}}',
  name = `tool_${++toolCounter}`,
) {
  return {
    name,
    description: 'Fetches an item',
    type: 'http',
    parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    executionConfig: { method: 'GET', url },
  };
}

export async function createGateway(
  app: App,
  caller: Caller,
  endpoint = `/gw-${++toolCounter}`,
  type = 'mcp',
) {
  return expectOk(
    await rest(app, 'POST', '/gateways', { caller, body: { name: `Gateway ${endpoint}`, type, endpoint } }),
    201,
  );
}

/** Creates a tool in the account's organization; `tool` is any create body (an http tool by default). */
export async function createTool(app: App, account: Account, tool: object = httpTool()) {
  return expectOk(
    await rest(app, 'POST', `/organizations/${account.organizationId}/tools`, {
      caller: account.caller,
      body: tool,
    }),
    201,
  );
}

/** A small OpenAPI 3.0 description: two operations, one of them behind a bearer token. */
export const EXAMPLE_OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'Example', version: '1.0.0' },
  servers: [{ url: 'https://api.example.com/v1' }],
  components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/items': {
      get: {
        operationId: 'listItems',
        summary: 'Lists items',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }],
        responses: { '200': { description: 'The items' } },
      },
    },
    '/items/{id}': {
      get: {
        operationId: 'getItem',
        summary: 'Gets one item',
        security: [{ token: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The item' } },
      },
    },
  },
};

/**
 * Registers an upstream API in the account's organization, imports EXAMPLE_OPENAPI into it (generating
 * its two tools) and stores a bearer credential for it.
 */
export async function createApiWithCredential(
  app: App,
  account: Account,
  name = `Example API ${++toolCounter}`,
): Promise<{ apiId: string; credentialId: string }> {
  const caller = account.caller;
  const api = expectOk(await rest(app, 'POST', '/apis', { caller, body: { name } }), 201);
  const body = { schemaContent: EXAMPLE_OPENAPI, generateTools: true };
  expectOk(await rest(app, 'POST', `/apis/${api.id}/import-schema`, { caller, body }));
  const credential = expectOk(
    await rest(app, 'POST', `/apis/${api.id}/credentials`, {
      caller,
      body: { type: 'bearer', name: 'token', token: 'upstream-secret' },
    }),
    201,
  );
  return { apiId: api.id, credentialId: credential.id };
}
