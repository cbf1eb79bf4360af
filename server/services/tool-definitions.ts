import { Ajv } from 'ajv';
import { parse as parseGraphql } from 'graphql';
import { z } from 'zod';
import { badRequest } from '../errors.ts';

export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_SCHEMA_BYTES = 256 * 1024;

export const toolNameField = z
  .string()
  .regex(
    TOOL_NAME_PATTERN,
    "must be 1–64 characters of letters, digits, '_' and '-' (agents call tools by this name)",
  );

const checkerOptions = { strict: false, allErrors: false, validateFormats: false } as const;
// Checks schemas against the JSON Schema meta-schema, which it compiles once. It never compiles a tool's
// schema itself: an Ajv instance keeps every schema it compiled (removeSchema does not free its code
// scope), and it refuses a second schema with an `$id` it has already seen.
const metaSchemaChecker = new Ajv(checkerOptions);

/**
 * Checks a tool's parameters schema: a JSON Schema for an object, small enough, and compilable.
 * @throws BAD_REQUEST naming `parameters` and the problem.
 */
export function assertParametersSchema(schema: unknown, field = 'parameters'): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw badRequest(
      field,
      `${field}: must be a JSON Schema object such as {"type":"object","properties":{}}`,
    );
  }
  const object = schema as Record<string, unknown>;
  if (object.type !== undefined && object.type !== 'object') {
    throw badRequest(
      field,
      `${field}: must describe an object (type "object"), because tools take named arguments`,
    );
  }
  assertCompiles(object, field);
  return { type: 'object', ...object };
}

/**
 * Checks a tool's output schema: any JSON Schema (results need not be objects), small enough, and compilable.
 * @throws BAD_REQUEST naming `outputSchema` and the problem.
 */
export function assertOutputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  assertCompiles(schema, 'outputSchema');
  return schema;
}

function assertCompiles(schema: Record<string, unknown>, field: string): void {
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) {
    throw badRequest(field, `${field}: must be at most ${MAX_SCHEMA_BYTES / 1024} KiB of JSON`);
  }
  try {
    if (!metaSchemaChecker.validateSchema(schema)) {
      throw new Error(`schema is invalid: ${metaSchemaChecker.errorsText(metaSchemaChecker.errors)}`);
    }
    // Compiling also catches what the meta-schema cannot: unresolvable $refs and invalid patterns. The
    // instance is thrown away with what it compiled; the executor keeps its own compiled validators.
    new Ajv({ ...checkerOptions, validateSchema: false }).compile(schema);
  } catch (error) {
    throw badRequest(
      field,
      `${field}: is not a valid JSON Schema: ${(error as Error).message.slice(0, 300)}`,
    );
  }
}

const templatedUrl = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine(
    (value) => {
      try {
        // Templates may stand anywhere in the URL; what remains must be an http(s) URL.
        const url = new URL(value.replace(/\{\{[^}]*\}\}/g, 'x'));
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http:// or https:// URL (templates like {{parameters.id}} allowed)' },
  );

const stringMap = z.record(z.string().max(256), z.string().max(8192), 'must be an object of string values');
const timeout = z
  .number()
  .int()
  .min(100, 'must be at least 100 ms')
  .max(120_000, 'must be at most 120000 ms');
const retries = z.number().int().min(0).max(5, 'must be at most 5');

export const httpExecutionConfig = z.strictObject({
  method: z.enum(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    'must be GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS',
  ),
  url: templatedUrl,
  headers: stringMap.optional(),
  queryParams: stringMap.optional(),
  body: z.unknown().optional(),
  bodyEncoding: z
    .enum(['json', 'form', 'multipart', 'text'], 'must be json, form, multipart or text')
    .optional(),
  timeout: timeout.optional(),
  retries: retries.optional(),
});

export const graphqlExecutionConfig = z.strictObject({
  endpoint: templatedUrl,
  query: z
    .string()
    .min(1, 'must not be empty')
    .max(100_000)
    .refine(
      (source) => {
        try {
          parseGraphql(source);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a valid GraphQL document' },
    ),
  variables: z.record(z.string(), z.unknown()).optional(),
  headers: stringMap.optional(),
  timeout: timeout.optional(),
  retries: retries.optional(),
});
