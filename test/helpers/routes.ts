import type { App } from '../../server/app.ts';
import type { RestRoute } from '../../server/rest/routes.ts';
import { EXAMPLE_OPENAPI } from './fixtures.ts';
import { type Caller, type GraphqlResult, gql, type RestResult, rest } from './http.ts';

/** How to call one route: its path parameters, JSON body and query string. */
export interface RouteCall {
  params?: Record<string, string>;
  body?: Record<string, unknown>;
  query?: string;
}

export const routeKey = (route: Pick<RestRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/** The names of a route's `:param` segments, in order. */
export function paramNames(route: RestRoute): string[] {
  return route.path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

/**
 * The route's path with its `:param` segments filled in. Values are sent as given (not encoded), so tests
 * can send malformed ones. @throws when a parameter has no value.
 */
export function pathOf(route: RestRoute, call: RouteCall = {}): string {
  const path = route.path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = call.params?.[name];
    if (value === undefined) throw new Error(`${routeKey(route)}: no value for :${name}`);
    return value;
  });
  return call.query ? `${path}?${call.query}` : path;
}

/** Calls a route over REST. */
export function callRest(app: App, route: RestRoute, call: RouteCall, caller: Caller): Promise<RestResult> {
  return rest(app, route.method, pathOf(route, call), {
    caller,
    body: route.hasBody ? (call.body ?? {}) : undefined,
  });
}

/** The variables the REST route hands its GraphQL operation for this call. */
export function routeVariables(route: RestRoute, call: RouteCall): Record<string, unknown> {
  return (
    route.variables?.({
      params: call.params ?? {},
      body: call.body ?? {},
      query: new URLSearchParams(call.query ?? ''),
    }) ?? {}
  );
}

/** Runs the route's own GraphQL operation, with the same variables, through /graphql. */
export function callGraphql(
  app: App,
  route: RestRoute,
  call: RouteCall,
  caller: Caller,
): Promise<GraphqlResult<Record<string, unknown>>> {
  return gql(app, route.document, routeVariables(route, call), caller);
}

/** Replaces UUIDs so messages about different ids can be compared. */
export function withoutIds(message: string): string {
  return message.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
}

/** Ids of one organization's objects, from which any route's parameters and body can be made. */
export interface RouteIds {
  organizationId: string;
  gatewayId: string;
  /** A tool assigned to the gateway. */
  toolId: string;
  authId: string;
  keyId: string;
  /** A member of the organization other than the caller. */
  userId: string;
  /** A registered user who is not a member. */
  email: string;
  /** An upstream API with an imported description. */
  apiId: string;
  /** A credential of that API. */
  credentialId: string;
}

/** What an `:id` segment names, by the collection segment before it (`/apis/:id` is an API). */
const idOfCollection: Record<string, keyof RouteIds> = {
  organizations: 'organizationId',
  tools: 'toolId',
  gateways: 'gatewayId',
  apis: 'apiId',
};
const idOfParam: Record<string, keyof RouteIds> = {
  orgId: 'organizationId',
  userId: 'userId',
  toolId: 'toolId',
  authId: 'authId',
  keyId: 'keyId',
  credentialId: 'credentialId',
};

/** A route's parameters, each the id of the object of `ids` that its position names. */
export function paramsFor(route: RestRoute, ids: RouteIds): Record<string, string> {
  const segments = route.path.split('/');
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    if (!segment.startsWith(':')) continue;
    const name = segment.slice(1);
    const key = name === 'id' ? idOfCollection[segments[index - 1]!] : idOfParam[name];
    if (!key) throw new Error(`${routeKey(route)}: no example id for :${name}`);
    params[name] = ids[key];
  }
  return params;
}

/** A valid body for every route that takes one. */
export const exampleBodies: Record<string, (ids: RouteIds) => Record<string, unknown>> = {
  'POST /auth/register': () => ({
    email: 'newcomer@example.com',
    password: 'Secret123',
    firstName: 'New',
    lastName: 'Comer',
    organizationName: 'Newcomer Co',
  }),
  'POST /auth/login': (ids) => ({ email: ids.email, password: 'Secret123' }),
  'PATCH /auth/profile': () => ({ firstName: 'Changed' }),
  'PATCH /auth/change-password': () => ({ currentPassword: 'Secret123', newPassword: 'Another123' }),
  'POST /organizations': () => ({ name: 'Another' }),
  'PATCH /organizations/:id': () => ({ name: 'Renamed' }),
  'POST /organizations/:id/members': (ids) => ({ email: ids.email, role: 'viewer' }),
  'PATCH /organizations/:id/members/:userId': () => ({ role: 'viewer' }),
  'POST /organizations/:orgId/tools': () => ({
    name: 'example_tool',
    type: 'http',
    executionConfig: { method: 'GET', url: 'https://api.example.com/items' },
  }),
  'PATCH /tools/:id': () => ({ description: 'Changed' }),
  'POST /gateways': () => ({ name: 'Example', type: 'mcp', endpoint: '/example' }),
  'PATCH /gateways/:id': () => ({ name: 'Renamed' }),
  'POST /gateways/:id/tools': (ids) => ({ toolId: ids.toolId }),
  'POST /gateways/:id/tools/bulk': (ids) => ({ toolIds: [ids.toolId] }),
  'PATCH /gateways/:id/tools/:toolId': () => ({ enabled: false }),
  'POST /gateways/:id/auth': () => ({ type: 'none' }),
  'POST /gateways/:id/auth/api-keys': () => ({ name: 'Example key' }),
  'POST /apis': () => ({ name: 'Example API', type: 'openapi', baseUrl: 'https://api.example.com/v2' }),
  'PATCH /apis/:id': () => ({ description: 'Changed' }),
  'POST /apis/:id/import-schema': () => ({ schemaContent: EXAMPLE_OPENAPI }),
  'POST /apis/:id/generate-tools': () => ({}),
  'POST /apis/:id/credentials': () => ({ type: 'bearer', token: 'example-secret-token' }),
  // Only refused calls send this body as it is: the example tools point at api.example.com, never reached.
  'POST /organizations/:orgId/tools/:id/execute': () => ({ parameters: { id: '42' } }),
};

/** A well-formed call of the route about the objects named by `ids`. */
export function exampleCall(route: RestRoute, ids: RouteIds): RouteCall {
  return { params: paramsFor(route, ids), body: exampleBodies[routeKey(route)]?.(ids) ?? {} };
}
