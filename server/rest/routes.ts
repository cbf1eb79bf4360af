import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import * as op from './operations.ts';

export interface RouteInput {
  params: Record<string, string>;
  body: Record<string, unknown>;
  query: URLSearchParams;
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Documented path; `:name` segments become params. */
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: the table holds operations of every result type
  document: TypedDocumentNode<any, any>;
  /** The operation's top-level field whose value is the REST `data`. */
  field: string;
  variables?: (input: RouteInput) => Record<string, unknown>;
  /** Success status; 200 when omitted. */
  status?: number;
  /** Routes that need a JSON object body. */
  hasBody?: boolean;
  /** Shapes the answer itself, for routes whose documented answer is not the plain envelope. */
  present?: (data: unknown) => { status: number; body: unknown };
  /** For bodies that are not one GraphQL input object: the fields the route reads; others are refused. */
  bodyFields?: readonly string[];
}

/** Query parameters that are numbers in GraphQL; anything else stays a string for GraphQL to judge. */
export function listArgs(query: URLSearchParams, names: string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const name of names) {
    const value = query.get(name);
    if (value === null) continue;
    args[name] = (name === 'page' || name === 'limit') && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return args;
}

const page = ['page', 'limit'];
const toolFilters = [...page, 'search', 'type', 'status'];

/** The REST compatibility routes of the Gateways API reference, each backed by one GraphQL operation. */
export const restRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/auth/register',
    document: op.Register,
    field: 'register',
    hasBody: true,
    status: 201,
    variables: ({ body }) => ({ input: body }),
  },
  {
    method: 'POST',
    path: '/auth/login',
    document: op.Login,
    field: 'login',
    hasBody: true,
    variables: ({ body }) => ({ input: body }),
  },
  { method: 'POST', path: '/auth/logout', document: op.Logout, field: 'logout' },
  { method: 'GET', path: '/auth/profile', document: op.Profile, field: 'me' },
  {
    method: 'PATCH',
    path: '/auth/profile',
    document: op.UpdateProfile,
    field: 'updateProfile',
    hasBody: true,
    variables: ({ body }) => ({ input: body }),
  },
  {
    method: 'PATCH',
    path: '/auth/change-password',
    document: op.ChangePassword,
    field: 'changePassword',
    hasBody: true,
    variables: ({ body }) => ({ input: body }),
  },

  {
    method: 'GET',
    path: '/organizations',
    document: op.ListOrganizations,
    field: 'organizations',
    variables: ({ query }) => listArgs(query, page),
  },
  {
    method: 'POST',
    path: '/organizations',
    document: op.CreateOrganization,
    field: 'createOrganization',
    hasBody: true,
    status: 201,
    variables: ({ body }) => ({ input: body }),
  },
  {
    method: 'GET',
    path: '/organizations/:id',
    document: op.GetOrganization,
    field: 'organization',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'PATCH',
    path: '/organizations/:id',
    document: op.UpdateOrganization,
    field: 'updateOrganization',
    hasBody: true,
    variables: ({ params, body }) => ({ id: params.id, input: body }),
  },
  {
    method: 'DELETE',
    path: '/organizations/:id',
    document: op.DeleteOrganization,
    field: 'deleteOrganization',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'GET',
    path: '/organizations/:id/members',
    document: op.ListMembers,
    field: 'members',
    variables: ({ params, query }) => ({ organizationId: params.id, ...listArgs(query, page) }),
  },
  {
    method: 'POST',
    path: '/organizations/:id/members',
    document: op.AddMember,
    field: 'addMember',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ organizationId: params.id, input: body }),
  },
  {
    method: 'PATCH',
    path: '/organizations/:id/members/:userId',
    document: op.UpdateMemberRole,
    field: 'updateMemberRole',
    hasBody: true,
    variables: ({ params, body }) => ({ organizationId: params.id, userId: params.userId, input: body }),
  },
  {
    method: 'DELETE',
    path: '/organizations/:id/members/:userId',
    document: op.RemoveMember,
    field: 'removeMember',
    variables: ({ params }) => ({ organizationId: params.id, userId: params.userId }),
  },

  {
    method: 'GET',
    path: '/organizations/:orgId/tools',
    document: op.ListTools,
    field: 'tools',
    variables: ({ params, query }) => ({ organizationId: params.orgId, ...listArgs(query, toolFilters) }),
  },
  {
    method: 'POST',
    path: '/organizations/:orgId/tools',
    document: op.CreateTool,
    field: 'createTool',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ organizationId: params.orgId, input: body }),
  },
  {
    method: 'GET',
    path: '/tools/:id',
    document: op.GetTool,
    field: 'tool',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'PATCH',
    path: '/tools/:id',
    document: op.UpdateTool,
    field: 'updateTool',
    hasBody: true,
    variables: ({ params, body }) => ({ id: params.id, input: body }),
  },
  {
    method: 'DELETE',
    path: '/tools/:id',
    document: op.DeleteTool,
    field: 'deleteTool',
    variables: ({ params }) => ({ id: params.id }),
  },

  {
    method: 'GET',
    path: '/gateways',
    document: op.ListGateways,
    field: 'gateways',
    variables: ({ query }) => listArgs(query, [...page, 'type', 'status', 'search']),
  },
  {
    method: 'POST',
    path: '/gateways',
    document: op.CreateGateway,
    field: 'createGateway',
    hasBody: true,
    status: 201,
    variables: ({ body }) => ({ input: body }),
  },
  {
    method: 'GET',
    path: '/gateways/:id',
    document: op.GetGateway,
    field: 'gateway',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'PATCH',
    path: '/gateways/:id',
    document: op.UpdateGateway,
    field: 'updateGateway',
    hasBody: true,
    variables: ({ params, body }) => ({ id: params.id, input: body }),
  },
  {
    method: 'DELETE',
    path: '/gateways/:id',
    document: op.DeleteGateway,
    field: 'deleteGateway',
    variables: ({ params }) => ({ id: params.id }),
  },

  {
    method: 'GET',
    path: '/gateways/:id/tools',
    document: op.ListGatewayTools,
    field: 'gatewayTools',
    variables: ({ params, query }) => ({ gatewayId: params.id, ...listArgs(query, page) }),
  },
  {
    method: 'POST',
    path: '/gateways/:id/tools',
    document: op.AssignTool,
    field: 'assignTool',
    hasBody: true,
    bodyFields: ['toolId'],
    status: 201,
    variables: ({ params, body }) => ({ gatewayId: params.id, toolId: body.toolId }),
  },
  {
    method: 'POST',
    path: '/gateways/:id/tools/bulk',
    document: op.AssignTools,
    field: 'assignTools',
    hasBody: true,
    bodyFields: ['toolIds'],
    status: 201,
    variables: ({ params, body }) => ({ gatewayId: params.id, toolIds: body.toolIds }),
  },
  {
    method: 'GET',
    path: '/gateways/:id/tools/available',
    document: op.ListAvailableTools,
    field: 'availableTools',
    variables: ({ params, query }) => ({ gatewayId: params.id, ...listArgs(query, toolFilters) }),
  },
  {
    method: 'PATCH',
    path: '/gateways/:id/tools/:toolId',
    document: op.UpdateGatewayTool,
    field: 'updateGatewayTool',
    hasBody: true,
    variables: ({ params, body }) => ({ gatewayId: params.id, toolId: params.toolId, input: body }),
  },
  {
    method: 'DELETE',
    path: '/gateways/:id/tools/:toolId',
    document: op.UnassignTool,
    field: 'unassignTool',
    variables: ({ params }) => ({ gatewayId: params.id, toolId: params.toolId }),
  },

  {
    method: 'POST',
    path: '/gateways/:id/auth',
    document: op.AddAuthMethod,
    field: 'addAuthMethod',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ gatewayId: params.id, input: body }),
  },
  {
    method: 'GET',
    path: '/gateways/:id/auth',
    document: op.ListAuthMethods,
    field: 'authMethods',
    variables: ({ params }) => ({ gatewayId: params.id }),
  },
  {
    method: 'POST',
    path: '/gateways/:id/auth/api-keys',
    document: op.CreateApiKey,
    field: 'createApiKey',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ gatewayId: params.id, input: body }),
  },
  {
    method: 'GET',
    path: '/gateways/:id/auth/api-keys',
    document: op.ListApiKeys,
    field: 'apiKeys',
    variables: ({ params }) => ({ gatewayId: params.id }),
  },
  {
    method: 'DELETE',
    path: '/gateways/:id/auth/api-keys/:keyId',
    document: op.RevokeApiKey,
    field: 'revokeApiKey',
    variables: ({ params }) => ({ gatewayId: params.id, keyId: params.keyId }),
  },
  {
    method: 'DELETE',
    path: '/gateways/:id/auth/:authId',
    document: op.RemoveAuthMethod,
    field: 'removeAuthMethod',
    variables: ({ params }) => ({ gatewayId: params.id, authId: params.authId }),
  },
];
