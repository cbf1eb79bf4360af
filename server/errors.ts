import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NO_ORGANIZATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR';

export const statusOfCode: Record<ErrorCode, number> = {
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

/**
 * An error whose message is safe to show the caller. Every surface maps it to its own form: the REST
 * envelope, GraphQL `extensions.code`, JSON-RPC errors, UTCP codes.
 */
export class DomainError extends GraphQLError {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, extra: { field?: string; retryAfterSeconds?: number } = {}) {
    super(message, {
      extensions: {
        code,
        http: { status: statusOfCode[code] },
        ...(extra.field ? { field: extra.field } : {}),
        ...(extra.retryAfterSeconds !== undefined ? { retryAfter: extra.retryAfterSeconds } : {}),
      },
    });
    this.code = code;
    this.status = statusOfCode[code];
  }
}

export const badRequest = (field: string, message: string) =>
  new DomainError('BAD_REQUEST', message, { field });
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const unauthorized = (message = 'Authentication required: send Authorization: Bearer <token>') =>
  new DomainError('UNAUTHORIZED', message);
export const conflict = (message: string) => new DomainError('CONFLICT', message);

interface PrismaKnownError {
  code: string;
  meta?: {
    target?: unknown;
    modelName?: string;
    driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } };
  };
}

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: string }).name === 'PrismaClientKnownRequestError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/**
 * The one translation of Prisma errors into domain errors. Unique violations become CONFLICT (callers pass
 * the message for the constraint they expect), missing rows NOT_FOUND; anything else is rethrown as is
 * and masked as an unexpected error further up.
 */
export function translatePrismaError(
  error: unknown,
  messages: { conflict?: string; notFound?: string } = {},
): never {
  if (isPrismaKnownError(error)) {
    if (error.code === 'P2002')
      throw conflict(messages.conflict ?? 'A record with these values already exists');
    if (error.code === 'P2025') throw notFound(messages.notFound ?? 'Record');
    if (error.code === 'P2003') throw badRequest('id', 'A referenced record does not exist');
  }
  throw error;
}

const ERROR_CODES = new Set(Object.keys(statusOfCode));

export interface ClassifiedError {
  code: ErrorCode;
  status: number;
  message: string;
}

// `Variable "$input" got invalid value 7 at "input.name"; String cannot represent a non string value: 7`.
// The value is echoed as sent and may itself contain `; ` or ` at "`, so the message is cut where the
// inner error (graphql-js keeps it as originalError) begins, not at the first separator.
const INVALID_VARIABLE = /^Variable "\$(\w+)" got invalid value /;
const AT_PATH = / at "([^"]+)"$/;
const MISSING_VARIABLE =
  /^Variable "\$(\w+)" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)\.$/;

/** Drops the `input.` wrapper that REST bodies do not have, so `input.name` reads `name`. */
function fieldPath(path: string): string {
  return path.replace(/^input\./, '');
}

/**
 * Gives any GraphQL error its code, HTTP status and a message fit for the caller. Domain errors keep
 * theirs; parse, validation, limit and variable errors are the caller's (BAD_REQUEST, with the field
 * named); anything else is a bug and is masked.
 */
export function classifyGraphqlError(error: GraphQLError): ClassifiedError {
  const code = error.extensions?.code;
  if (typeof code === 'string' && ERROR_CODES.has(code)) {
    return { code: code as ErrorCode, status: statusOfCode[code as ErrorCode], message: error.message };
  }
  const invalid = describeInvalidVariable(error);
  if (invalid) return badRequestOf(invalid);
  const missing = MISSING_VARIABLE.exec(error.message);
  if (missing) return badRequestOf(`${missing[1]}: is required`);
  if (!error.path) return badRequestOf(error.message);
  return { code: 'INTERNAL_ERROR', status: 500, message: 'Unexpected error' };
}

function describeInvalidVariable(error: GraphQLError): string | null {
  const variable = INVALID_VARIABLE.exec(error.message)?.[1];
  const problem = error.originalError?.message;
  if (!variable || problem === undefined || !error.message.endsWith(`; ${problem}`)) return null;
  const at = AT_PATH.exec(error.message.slice(0, -(problem.length + 2)));
  return describeField(at ? fieldPath(at[1]!) : variable === 'input' ? '' : variable, problem);
}

const MISSING_FIELD = /^Field "([^"]+)" of required type "[^"]+" was not provided\.$/;
const UNKNOWN_FIELD = /^Field "([^"]+)" is not defined by type "([^"]+)"\./;
// A null, or a value the REST adapter could not find in the body (undefined), for a required argument.
const NULL_FOR_REQUIRED = /^Expected non-nullable type "[^"]+" not to be null\.$/;

/** Turns graphql-js wording about an input object into "<field>: <problem>". */
function describeField(path: string, problem: string): string {
  const join = (name: string) => (path ? `${path}.${name}` : name);
  const missing = MISSING_FIELD.exec(problem);
  if (missing) return `${join(missing[1]!)}: is required`;
  const unknown = UNKNOWN_FIELD.exec(problem);
  if (unknown) return `${join(unknown[1]!)}: is not a known field (${unknown[2]})`;
  if (path && NULL_FOR_REQUIRED.test(problem)) return `${path}: is required`;
  return `${path || 'body'}: ${problem}`;
}

function badRequestOf(message: string): ClassifiedError {
  return { code: 'BAD_REQUEST', status: 400, message };
}
