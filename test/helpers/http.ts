import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { expect } from 'vitest';
import type { App } from '../../server/app.ts';

export interface Caller {
  token?: string;
  organizationId?: string;
  clientIp?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: REST answers are JSON; tests read the fields they assert
export interface RestResult<T = any> {
  status: number;
  headers: Headers;
  body: { success: boolean; data: T; error?: string; message?: string; statusCode?: number };
  /** What was sent, for failure messages. */
  request: string;
}

function headersFor(caller: Caller, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}),
    ...(caller.organizationId ? { 'x-organization-id': caller.organizationId } : {}),
    ...extra,
  };
}

/** Calls a REST route in-process. `body` may be a string to send it verbatim (malformed JSON tests). */
// biome-ignore lint/suspicious/noExplicitAny: as above
export async function rest<T = any>(
  app: App,
  method: string,
  path: string,
  options: { body?: unknown; caller?: Caller; headers?: Record<string, string> } = {},
): Promise<RestResult<T>> {
  const caller = options.caller ?? {};
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const response = await app.fetch(
    new Request(`http://toolgate.test${path}`, {
      method,
      headers: headersFor(caller, {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      }),
      body,
    }),
    { clientIp: caller.clientIp ?? '127.0.0.1' },
  );
  const text = await response.text();
  let parsed: RestResult<T>['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with non-JSON: ${text.slice(0, 300)}`);
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed,
    request: `${method} ${path} ${body ?? ''}`,
  };
}

export interface GraphqlResult<T> {
  status: number;
  data: T | null | undefined;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
  request: string;
}

/** Runs a typed GraphQL operation in-process through /graphql. */
export async function gql<T, V>(
  app: App,
  document: TypedDocumentNode<T, V> | string,
  variables?: V,
  caller: Caller = {},
): Promise<GraphqlResult<T>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await app.fetch(
    new Request('http://toolgate.test/graphql', {
      method: 'POST',
      headers: headersFor(caller, {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      }),
      body: JSON.stringify({ query, variables }),
    }),
    { clientIp: caller.clientIp ?? '127.0.0.1' },
  );
  const body = (await response.json()) as Omit<GraphqlResult<T>, 'status' | 'request'>;
  return {
    status: response.status,
    ...body,
    request: `${query.slice(0, 200)} ${JSON.stringify(variables ?? {})}`,
  };
}

function explain(result: { request: string }, body: unknown): string {
  return `request: ${result.request.slice(0, 500)}\nanswer: ${JSON.stringify(body, null, 2).slice(0, 2000)}`;
}

/** Asserts a successful REST answer with the given status and returns its data. */
export function expectOk<T>(result: RestResult<T>, status = 200): T {
  expect(result.status, explain(result, result.body)).toBe(status);
  expect(result.body.success, explain(result, result.body)).toBe(true);
  return result.body.data;
}

/** Asserts a REST error envelope with the code (and its documented status); returns the message. */
export function expectError(result: RestResult, code: string, status?: number): string {
  expect({ status: result.status, error: result.body.error }, explain(result, result.body)).toEqual({
    status: status ?? defaultStatus[code],
    error: code,
  });
  expect(result.body).toMatchObject({ success: false, statusCode: result.status });
  expect(typeof result.body.message).toBe('string');
  return result.body.message!;
}

/** Asserts GraphQL data without errors and returns it. */
export function expectData<T>(result: GraphqlResult<T>): T {
  expect(result.errors, explain(result, result)).toBeUndefined();
  return result.data as T;
}

/** Asserts the first GraphQL error has the code; returns its message. */
export function expectGraphqlError(result: GraphqlResult<unknown>, code: string): string {
  expect(result.errors?.[0]?.extensions?.code, explain(result, result)).toBe(code);
  return result.errors![0]!.message;
}

const defaultStatus: Record<string, number> = {
  BAD_REQUEST: 400,
  NO_ORGANIZATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
};
