import * as op from './api-operations.ts';
import { listArgs, type RestRoute } from './routes.ts';

interface ExecuteResult {
  status: 'success' | 'error';
  result: unknown;
  duration: number;
  error: string | null;
  errorCode: string | null;
  upstreamStatus: number | null;
  details: unknown;
}

/** Failures the caller can fix are 4xx; everything that went wrong upstream is 502 (504 for time-outs). */
function failureStatus(code: string | null): number {
  if (code === 'INVALID_ARGUMENTS') return 400;
  if (code === 'TOOL_UNAVAILABLE') return 409;
  if (code === 'UPSTREAM_TIMEOUT') return 504;
  if (code === 'DESTINATION_BLOCKED' || code === 'INVALID_CONFIGURATION') return 422;
  return 502;
}

/** The reference's own shapes for a tool call: `{result, duration, status}` or `{success:false, error, …}`. */
function presentExecution(data: ExecuteResult): { status: number; body: unknown } {
  if (data.status === 'success') {
    return {
      status: 200,
      body: { success: true, data: { result: data.result, duration: data.duration, status: 'success' } },
    };
  }
  return {
    status: failureStatus(data.errorCode),
    body: {
      success: false,
      error: data.error,
      errorCode: data.errorCode,
      upstreamStatus: data.upstreamStatus,
      details: data.details,
      duration: data.duration,
      status: 'error',
    },
  };
}

/** Upstream APIs and credentials, direct tool execution, per-gateway call statistics and rendered skills. */
export const apiRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/apis',
    document: op.ListApis,
    field: 'apis',
    variables: ({ query }) => listArgs(query, ['page', 'limit']),
  },
  {
    method: 'POST',
    path: '/apis',
    document: op.CreateApi,
    field: 'createApi',
    hasBody: true,
    status: 201,
    variables: ({ body }) => ({ input: body }),
  },
  {
    method: 'GET',
    path: '/apis/:id',
    document: op.GetApi,
    field: 'api',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'PATCH',
    path: '/apis/:id',
    document: op.UpdateApi,
    field: 'updateApi',
    hasBody: true,
    variables: ({ params, body }) => ({ id: params.id, input: body }),
  },
  {
    method: 'DELETE',
    path: '/apis/:id',
    document: op.DeleteApi,
    field: 'deleteApi',
    variables: ({ params }) => ({ id: params.id }),
  },
  {
    method: 'POST',
    path: '/apis/:id/import-schema',
    document: op.ImportApiSchema,
    field: 'importApiSchema',
    hasBody: true,
    variables: ({ params, body }) => ({ id: params.id, input: body }),
  },
  {
    method: 'POST',
    path: '/apis/:id/generate-tools',
    document: op.GenerateTools,
    field: 'generateTools',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ apiId: params.id, input: body }),
  },
  {
    method: 'GET',
    path: '/apis/:id/operations',
    document: op.ListApiOperations,
    field: 'apiOperations',
    variables: ({ params }) => ({ apiId: params.id }),
  },
  {
    method: 'GET',
    path: '/apis/:id/credentials',
    document: op.ListApiCredentials,
    field: 'apiCredentials',
    variables: ({ params }) => ({ apiId: params.id }),
  },
  {
    method: 'POST',
    path: '/apis/:id/credentials',
    document: op.SetApiCredential,
    field: 'setApiCredential',
    hasBody: true,
    status: 201,
    variables: ({ params, body }) => ({ apiId: params.id, input: body }),
  },
  {
    method: 'DELETE',
    path: '/apis/:id/credentials/:credentialId',
    document: op.DeleteApiCredential,
    field: 'deleteApiCredential',
    variables: ({ params }) => ({ apiId: params.id, credentialId: params.credentialId }),
  },
  {
    method: 'POST',
    path: '/organizations/:orgId/tools/:id/execute',
    document: op.ExecuteTool,
    field: 'executeTool',
    hasBody: true,
    // The body is the ExecuteToolInput itself, so GraphQL refuses fields it does not know.
    variables: ({ params, body }) => ({ organizationId: params.orgId, id: params.id, input: body }),
    present: (data) => presentExecution(data as ExecuteResult),
  },
  {
    method: 'GET',
    path: '/gateways/:id/tools/stats',
    document: op.GatewayToolStats,
    field: 'gatewayToolStats',
    variables: ({ params }) => ({ gatewayId: params.id }),
  },
  {
    method: 'GET',
    path: '/gateways/:id/skills',
    document: op.GatewaySkills,
    field: 'gatewaySkills',
    variables: ({ params }) => ({ gatewayId: params.id }),
  },
];
