import type { GraphQLError } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import type { RequestFacts, ServiceContext } from '../context.ts';
import { classifyGraphqlError } from '../errors.ts';
import { errorResponse, jsonResponse } from '../http/responses.ts';
import type { RestRoute } from './routes.ts';

interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  paramNames: string[];
}

function compile(route: RestRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), paramNames };
}

async function readJsonObject(
  request: Request,
  fields: readonly string[] | undefined,
): Promise<Record<string, unknown> | Response> {
  const text = await request.text();
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return errorResponse(
      'BAD_REQUEST',
      `body: is not valid JSON (${(error as Error).message}); send a JSON object`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return errorResponse('BAD_REQUEST', 'body: must be a JSON object');
  }
  // GraphQL refuses unknown fields of an input object; bodies picked apart field by field get the same rule.
  const unknown = Object.keys(body).find((key) => fields && !fields.includes(key));
  if (fields && unknown !== undefined) {
    return errorResponse('BAD_REQUEST', `${unknown}: is not a known field (expected ${fields.join(', ')})`);
  }
  return body as Record<string, unknown>;
}

function decodeParams(names: string[], match: RegExpExecArray): Record<string, string> | Response {
  const params: Record<string, string> = {};
  for (const [index, name] of names.entries()) {
    const raw = match[index + 1]!;
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      return errorResponse('BAD_REQUEST', `${name}: '${raw.slice(0, 40)}' is not valid percent-encoding`);
    }
  }
  return params;
}

export type RestHandler = (request: Request, facts: RequestFacts) => Promise<Response | null>;

/**
 * Serves the REST route table by running each route's checked-in GraphQL operation through Yoga's own
 * envelop pipeline (same context, auth, limits and error masking as /graphql) and wrapping the result in
 * the documented envelope. Returns null when no route has the path, so other handlers may answer.
 */
export function createRestHandler(
  yoga: YogaServerInstance<RequestFacts, ServiceContext>,
  routes: RestRoute[],
): RestHandler {
  const compiled = routes.map(compile);
  return async (request, facts) => {
    const url = new URL(request.url);
    let pathMatched = false;
    for (const { route, pattern, paramNames } of compiled) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      const params = decodeParams(paramNames, match);
      if (params instanceof Response) return params;
      const body = route.hasBody ? await readJsonObject(request, route.bodyFields) : {};
      if (body instanceof Response) return body;
      const variables = route.variables?.({ params, body, query: url.searchParams }) ?? {};
      return execute(yoga, request, facts, route, variables);
    }
    if (!pathMatched) return null;
    return errorResponse(
      'NOT_FOUND',
      `${request.method} ${url.pathname} is not a route; see the README for the methods of this path`,
    );
  };
}

async function execute(
  yoga: YogaServerInstance<RequestFacts, ServiceContext>,
  request: Request,
  facts: RequestFacts,
  route: RestRoute,
  variables: Record<string, unknown>,
): Promise<Response> {
  const { schema, execute, contextFactory, validate } = yoga.getEnveloped({ request, ...facts });
  const validationErrors = validate(schema, route.document);
  if (validationErrors.length > 0) return failure(validationErrors);
  const result = await execute({
    schema,
    document: route.document,
    variableValues: variables,
    contextValue: await contextFactory(),
  });
  if (result.errors?.length) return failure(result.errors);
  const data = result.data?.[route.field];
  if (route.present) {
    const { status, body } = route.present(data);
    return jsonResponse(status, body);
  }
  return jsonResponse(route.status ?? 200, { success: true, data });
}

function failure(errors: readonly GraphQLError[]): Response {
  const first = classifyGraphqlError(errors[0]!);
  const retryAfter = errors[0]!.extensions?.retryAfter;
  return errorResponse(
    first.code,
    first.message,
    first.status,
    retryAfter ? { 'retry-after': String(retryAfter) } : {},
  );
}
