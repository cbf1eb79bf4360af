import { z } from 'zod';
import { assertCan } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { badRequest, notFound, translatePrismaError } from '../errors.ts';
import type { Api, Prisma } from '../generated/prisma/client.ts';
import { DocumentFetchError, fetchDocument } from '../tools/executor/index.ts';
import {
  type ApiDocument,
  ApiImportError,
  extractOperations,
  type ImportedOperation,
  listSecuritySchemes,
  MAX_DOCUMENT_BYTES,
  parseApiDocument,
} from '../tools/openapi/index.ts';
import { generateToolsFrom } from './tool-generation.ts';
import {
  assertUuid,
  descriptionField,
  nameField,
  type PageWindow,
  pageWindow,
  parseInput,
} from './validation.ts';

const baseUrlField = z.url({
  protocol: /^https?$/,
  error: 'must be an absolute http(s) URL such as https://api.example.com/v1',
});

const createInput = z.object({
  name: nameField,
  type: z.literal('openapi', 'must be openapi').optional(),
  baseUrl: baseUrlField.nullish(),
  description: descriptionField.nullish(),
});

export type ApiQuery = { include?: Prisma.ApiInclude; select?: Prisma.ApiSelect };

/**
 * The API of the request's organization; `field` is the argument that named it, for the message about a
 * malformed id. @throws BAD_REQUEST, NOT_FOUND, and FORBIDDEN when `action` needs more than the role.
 */
export async function findApi(
  ctx: ServiceContext,
  action: 'tool:read' | 'tool:write',
  id: string,
  field: 'id' | 'apiId' = 'id',
  query: ApiQuery = {},
): Promise<Api> {
  const scope = assertCan(ctx.viewer, action);
  const api = await ctx.deps.db.api.findFirst({
    ...query,
    where: { id: assertUuid(field, id), organizationId: scope.organizationId },
  });
  if (!api) throw notFound('API');
  return api;
}

/** Registers an upstream API connection. @throws BAD_REQUEST, CONFLICT for a name in use, FORBIDDEN for viewers. */
export async function createApi(ctx: ServiceContext, input: unknown): Promise<Api> {
  const scope = assertCan(ctx.viewer, 'tool:write');
  const fields = parseInput(createInput, input);
  return ctx.deps.db.api
    .create({
      data: {
        organizationId: scope.organizationId,
        name: fields.name,
        type: 'openapi',
        baseUrl: fields.baseUrl ?? null,
        description: fields.description ?? null,
      },
    })
    .catch((error) =>
      translatePrismaError(error, { conflict: `An API named '${fields.name}' already exists` }),
    );
}

export async function listApis(
  ctx: ServiceContext,
  args: { page?: number | null; limit?: number | null },
): Promise<{ items: Api[]; total: number } & PageWindow> {
  const scope = assertCan(ctx.viewer, 'tool:read');
  const window = pageWindow(args);
  const where = { organizationId: scope.organizationId };
  const [items, total] = await Promise.all([
    ctx.deps.db.api.findMany({
      where,
      orderBy: [{ name: 'asc' }],
      skip: window.skip,
      take: window.take,
      omit: { document: true },
    }),
    ctx.deps.db.api.count({ where }),
  ]);
  return { ...window, items: items as Api[], total };
}

const updateInput = z.strictObject({
  name: nameField.optional(),
  baseUrl: baseUrlField.nullish(),
  description: descriptionField.nullish(),
});

export async function updateApi(ctx: ServiceContext, id: string, input: unknown): Promise<Api> {
  const api = await findApi(ctx, 'tool:write', id);
  const fields = parseInput(updateInput, input);
  return ctx.deps.db.api
    .update({ where: { id: api.id }, data: fields })
    .catch((error) =>
      translatePrismaError(error, { conflict: `An API named '${fields.name}' already exists` }),
    );
}

/** Deletes the connection and its credentials; its tools stay, without a source. */
export async function deleteApi(ctx: ServiceContext, id: string): Promise<{ id: string; deleted: boolean }> {
  const api = await findApi(ctx, 'tool:write', id);
  const tools = await ctx.deps.db.tool.findMany({ where: { sourceApiId: api.id }, select: { id: true } });
  await ctx.deps.db.api.delete({ where: { id: api.id } });
  for (const tool of tools) ctx.deps.bus.publish('toolChanged', { toolId: tool.id });
  return { id: api.id, deleted: true };
}

/** Parses the stored document again (it is kept as plain JSON). */
export function storedDocument(api: Api): ApiDocument {
  if (!api.document)
    throw badRequest(
      'schemaContent',
      'This API has no imported description yet: POST /apis/:id/import-schema first',
    );
  return parseApiDocument(JSON.stringify(api.document));
}

/** Operations of the imported description, with the tool each became (if any). */
export async function listOperations(
  ctx: ServiceContext,
  apiId: string,
): Promise<(ImportedOperation & { toolId: string | null })[]> {
  const api = await findApi(ctx, 'tool:read', apiId, 'apiId');
  const operations = extractOperations(storedDocument(api), { baseUrl: api.baseUrl ?? undefined });
  const tools = await ctx.deps.db.tool.findMany({
    where: { sourceApiId: api.id },
    select: { id: true, sourceOperationKey: true },
  });
  const toolOf = new Map(tools.map((tool) => [tool.sourceOperationKey, tool.id]));
  return operations.map((operation) => ({ ...operation, toolId: toolOf.get(operation.key) ?? null }));
}

const importInput = z
  .object({
    schemaUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL of an OpenAPI or Swagger document' })
      .optional(),
    schemaContent: z
      .union([
        z.string().max(MAX_DOCUMENT_BYTES, 'must be at most 10 MiB'),
        z.record(z.string(), z.unknown()),
      ])
      .optional(),
    generateTools: z.boolean().optional(),
    include: z.array(z.string().max(300)).max(5000).optional(),
    exclude: z.array(z.string().max(300)).max(5000).optional(),
    prefix: z.string().max(30).optional(),
  })
  .refine((value) => Boolean(value.schemaUrl) !== (value.schemaContent !== undefined), {
    message: 'give exactly one of schemaUrl or schemaContent',
    path: ['schemaUrl'],
  });

async function readDocument(ctx: ServiceContext, fields: z.output<typeof importInput>): Promise<ApiDocument> {
  let text: string;
  if (fields.schemaUrl) {
    try {
      text = await fetchDocument(fields.schemaUrl, {
        allowedUpstreams: ctx.deps.allowedUpstreams,
        maxBytes: MAX_DOCUMENT_BYTES,
        timeoutMs: 30_000,
      });
    } catch (error) {
      if (error instanceof DocumentFetchError) throw badRequest('schemaUrl', `schemaUrl: ${error.message}`);
      throw error;
    }
  } else {
    text =
      typeof fields.schemaContent === 'string' ? fields.schemaContent : JSON.stringify(fields.schemaContent);
  }
  try {
    return parseApiDocument(text);
  } catch (error) {
    if (error instanceof ApiImportError)
      throw badRequest(
        fields.schemaUrl ? 'schemaUrl' : 'schemaContent',
        `${fields.schemaUrl ? 'schemaUrl' : 'schemaContent'}: ${error.message}`,
      );
    throw error;
  }
}

/**
 * Imports an OpenAPI 3.x or Swagger 2.0 description (pasted or fetched under the SSRF policy) into the
 * API and, with `generateTools`, turns its operations into tools.
 * @throws BAD_REQUEST naming schemaUrl or schemaContent and what is wrong with it; NOT_FOUND; FORBIDDEN.
 */
export async function importSchema(ctx: ServiceContext, id: string, input: unknown) {
  const api = await findApi(ctx, 'tool:write', id);
  const fields = parseInput(importInput, input);
  const document = await readDocument(ctx, fields);
  const operations = extractOperations(document, { baseUrl: api.baseUrl ?? undefined });
  const schemes = listSecuritySchemes(document);
  const updated = await ctx.deps.db.api.update({
    where: { id: api.id },
    data: {
      document: document.root as Prisma.InputJsonObject,
      securitySchemes: schemes.map((scheme) => scheme.name),
      importedAt: new Date(),
    },
  });
  ctx.deps.bus.publish('apiCredentialsChanged', { apiId: api.id });
  const tools = fields.generateTools ? await generateToolsFrom(ctx, updated, operations, fields) : null;
  return { api: updated, operationCount: operations.length, securitySchemes: schemes, tools };
}

const generateInput = z.object({
  include: z.array(z.string().max(300)).max(5000).optional(),
  exclude: z.array(z.string().max(300)).max(5000).optional(),
  prefix: z.string().max(30).optional(),
});

/** Turns the imported operations into tools (see `generateToolsFrom`). */
export async function generateTools(ctx: ServiceContext, apiId: string, input: unknown) {
  const api = await findApi(ctx, 'tool:write', apiId, 'apiId');
  const fields = parseInput(generateInput, input ?? {});
  return generateToolsFrom(
    ctx,
    api,
    extractOperations(storedDocument(api), { baseUrl: api.baseUrl ?? undefined }),
    fields,
  );
}
