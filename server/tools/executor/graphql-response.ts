import { ExecutionError } from './execution-error.ts';
import { parseResponseBody } from './response-body.ts';
import type { TransportResponse } from './transport.ts';

const MAX_REPORTED_ERRORS = 20;
const MAX_MESSAGE_CHARS = 500;

interface ReportedError {
  message: string;
  path?: unknown;
  code?: unknown;
}

function report(error: unknown): ReportedError {
  const record = error && typeof error === 'object' ? (error as Record<string, unknown>) : {};
  const message = typeof record.message === 'string' ? record.message : JSON.stringify(error);
  const reported: ReportedError = { message: message.slice(0, MAX_MESSAGE_CHARS) };
  if (Array.isArray(record.path)) reported.path = record.path;
  const extensions = record.extensions as Record<string, unknown> | undefined;
  if (extensions && typeof extensions === 'object' && extensions.code !== undefined)
    reported.code = extensions.code;
  return reported;
}

/**
 * Reads a successful GraphQL HTTP response.
 * @returns the `data` member.
 * @throws ExecutionError GRAPHQL_ERRORS when `errors` is a non-empty array (messages, paths and codes in
 *   details); UPSTREAM_ERROR when the body is not a GraphQL response object.
 */
export function graphqlData(response: TransportResponse): unknown {
  let parsed = parseResponseBody(response.body, response.headers['content-type']);
  if (typeof parsed === 'string') {
    // Some servers label GraphQL JSON as text/plain; a real parse failure is reported below.
    try {
      parsed = JSON.parse(parsed) as unknown;
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ExecutionError('UPSTREAM_ERROR', 'GraphQL endpoint did not answer with a JSON object', {
      upstreamStatus: response.status,
      upstreamBody: response,
    });
  }
  const body = parsed as Record<string, unknown>;
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const errors = body.errors.slice(0, MAX_REPORTED_ERRORS).map(report);
    const count = body.errors.length;
    throw new ExecutionError(
      'GRAPHQL_ERRORS',
      `GraphQL endpoint reported ${count} error${count === 1 ? '' : 's'}: ${errors[0]?.message ?? ''}`,
      {
        upstreamStatus: response.status,
        details: { errors, partialData: body.data !== undefined && body.data !== null },
      },
    );
  }
  if (!('data' in body)) {
    throw new ExecutionError('UPSTREAM_ERROR', 'GraphQL response has neither data nor errors', {
      upstreamStatus: response.status,
      upstreamBody: response,
    });
  }
  return body.data;
}
