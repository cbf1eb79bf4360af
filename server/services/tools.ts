import { z } from 'zod';
import { assertCan } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { badRequest, notFound, translatePrismaError } from '../errors.ts';
import { Prisma, type Tool } from '../generated/prisma/client.ts';
import type { ToolStatus, ToolType } from '../generated/prisma/enums.ts';
import { publishGatewayChange } from './gateways.ts';
import {
  assertOutputSchema,
  assertParametersSchema,
  graphqlExecutionConfig,
  httpExecutionConfig,
  toolNameField,
} from './tool-definitions.ts';
import { assertUuid, type PageWindow, pageWindow, parseInput, searchText } from './validation.ts';

export type ToolQuery = { include?: Prisma.ToolInclude; select?: Prisma.ToolSelect };

const toolStatus = z.enum(
  ['active', 'inactive', 'deprecated', 'error'],
  'must be one of active, inactive, deprecated, error',
);
const toolType = z.enum(['http', 'graphql', 'mcp'], 'must be one of http, graphql, mcp');
const description = z.string().max(4000, 'must be at most 4000 characters');

function parseExecutionConfig(type: ToolType, config: unknown): Prisma.InputJsonObject {
  if (type === 'mcp') {
    throw badRequest(
      'type',
      "type: 'mcp' tools come from a registered MCP server and cannot be created by hand; use http or graphql",
    );
  }
  const schema = type === 'http' ? httpExecutionConfig : graphqlExecutionConfig;
  return parseInput(schema, config, 'executionConfig') as Prisma.InputJsonObject;
}

const createInput = z.object({
  name: toolNameField,
  description: description.optional(),
  type: toolType,
  status: toolStatus.optional(),
  parameters: z.unknown().optional(),
  outputSchema: z.record(z.string(), z.unknown(), 'must be a JSON Schema object').nullish(),
  executionConfig: z.unknown(),
});

/** Re-announces the gateways that serve a tool, since their tool lists changed. */
async function announceToolChange(ctx: ServiceContext, toolId: string): Promise<void> {
  const assignments = await ctx.deps.db.gatewayTool.findMany({
    where: { toolId },
    select: { gateway: { select: { id: true, organizationId: true } } },
  });
  for (const { gateway } of assignments) publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
}

/**
 * Creates an http or graphql tool in an organization (the one named, or the request's).
 * @throws BAD_REQUEST naming the field; CONFLICT for a name already used; FORBIDDEN for viewers.
 */
export async function createTool(
  ctx: ServiceContext,
  organizationId: string | null,
  input: unknown,
  query: ToolQuery = {},
): Promise<Tool> {
  const scope = assertCan(
    ctx.viewer,
    'tool:write',
    organizationId ? assertUuid('organizationId', organizationId) : undefined,
  );
  const fields = parseInput(createInput, input);
  const executionConfig = parseExecutionConfig(fields.type, fields.executionConfig);
  const parameters = assertParametersSchema(
    fields.parameters ?? { type: 'object', properties: {} },
  ) as Prisma.InputJsonObject;
  if (fields.outputSchema) assertOutputSchema(fields.outputSchema);
  return ctx.deps.db.tool
    .create({
      ...query,
      data: {
        organizationId: scope.organizationId,
        name: fields.name,
        description: fields.description ?? '',
        type: fields.type,
        status: fields.status ?? 'active',
        parameters,
        ...(fields.outputSchema ? { outputSchema: fields.outputSchema as Prisma.InputJsonObject } : {}),
        executionConfig,
      },
    })
    .catch((error) =>
      translatePrismaError(error, {
        conflict: `A tool named '${fields.name}' already exists in this organization`,
      }),
    );
}

export interface ToolFilters {
  page?: number | null;
  limit?: number | null;
  search?: string | null;
  type?: ToolType | null;
  status?: ToolStatus | null;
}

export function toolFilterWhere(organizationId: string, filters: ToolFilters): Prisma.ToolWhereInput {
  const search = searchText(filters.search);
  return {
    organizationId,
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(search
      ? {
          OR: [
            { name: { contains: search, mode: 'insensitive' } },
            { description: { contains: search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
}

/** Lists an organization's tools by name. */
export async function listTools(
  ctx: ServiceContext,
  organizationId: string | null,
  filters: ToolFilters,
  query: ToolQuery = {},
): Promise<{ items: Tool[]; total: number } & PageWindow> {
  const scope = assertCan(
    ctx.viewer,
    'tool:read',
    organizationId ? assertUuid('organizationId', organizationId) : undefined,
  );
  const window = pageWindow(filters);
  const where = toolFilterWhere(scope.organizationId, filters);
  const [items, total] = await Promise.all([
    ctx.deps.db.tool.findMany({
      ...query,
      where,
      orderBy: [{ name: 'asc' }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.tool.count({ where }),
  ]);
  return { ...window, items, total };
}

/** @throws NOT_FOUND for a missing tool or one of another organization. */
export async function getTool(
  ctx: ServiceContext,
  id: string,
  query: ToolQuery = {},
  organizationId?: string | null,
): Promise<Tool> {
  const scope = assertCan(
    ctx.viewer,
    'tool:read',
    organizationId ? assertUuid('organizationId', organizationId) : undefined,
  );
  const tool = await ctx.deps.db.tool.findFirst({
    ...query,
    where: { id: assertUuid('id', id), organizationId: scope.organizationId },
  });
  if (!tool) throw notFound('Tool');
  return tool;
}

const updateInput = z.strictObject({
  name: toolNameField.optional(),
  description: description.optional(),
  type: toolType.optional(),
  status: toolStatus.optional(),
  parameters: z.unknown().optional(),
  outputSchema: z.record(z.string(), z.unknown(), 'must be a JSON Schema object').nullish(),
  executionConfig: z.unknown().optional(),
});

/**
 * Updates a tool; calls made after it returns run the new definition, and the gateways serving it see
 * their tool lists change.
 * @throws BAD_REQUEST, NOT_FOUND, CONFLICT (name taken), FORBIDDEN for viewers.
 */
export async function updateTool(
  ctx: ServiceContext,
  id: string,
  input: unknown,
  query: ToolQuery = {},
): Promise<Tool> {
  const scope = assertCan(ctx.viewer, 'tool:write');
  const current = await ctx.deps.db.tool.findFirst({
    where: { id: assertUuid('id', id), organizationId: scope.organizationId },
  });
  if (!current) throw notFound('Tool');
  const fields = parseInput(updateInput, input);
  if (fields.type && fields.type !== current.type && fields.executionConfig === undefined) {
    throw badRequest('executionConfig', `executionConfig: required when changing the type to ${fields.type}`);
  }
  const type = fields.type ?? current.type;
  const data: Prisma.ToolUpdateInput = {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.type !== undefined ? { type: fields.type } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
    ...(fields.parameters !== undefined
      ? { parameters: assertParametersSchema(fields.parameters) as Prisma.InputJsonObject }
      : {}),
    ...(fields.outputSchema !== undefined
      ? {
          outputSchema:
            fields.outputSchema === null
              ? Prisma.DbNull
              : (assertOutputSchema(fields.outputSchema) as Prisma.InputJsonObject),
        }
      : {}),
    ...(fields.executionConfig !== undefined
      ? { executionConfig: parseExecutionConfig(type, fields.executionConfig) }
      : {}),
  };
  const tool = await ctx.deps.db.tool.update({ ...query, where: { id: current.id }, data }).catch((error) =>
    translatePrismaError(error, {
      conflict: `A tool named '${fields.name}' already exists in this organization`,
    }),
  );
  // Caches of executable tools (direct calls and every gateway) evict it, so the next call runs the edit.
  ctx.deps.bus.publish('toolChanged', { toolId: tool.id });
  await announceToolChange(ctx, tool.id);
  return tool;
}

/** Deletes a tool, removes it from every gateway and evicts cached copies. @throws NOT_FOUND, FORBIDDEN */
export async function deleteTool(ctx: ServiceContext, id: string): Promise<{ id: string; deleted: boolean }> {
  const scope = assertCan(ctx.viewer, 'tool:write');
  const tool = await ctx.deps.db.tool.findFirst({
    where: { id: assertUuid('id', id), organizationId: scope.organizationId },
    select: { id: true },
  });
  if (!tool) throw notFound('Tool');
  const assignments = await ctx.deps.db.gatewayTool.findMany({
    where: { toolId: tool.id },
    select: { gateway: { select: { id: true, organizationId: true } } },
  });
  await ctx.deps.db.tool.delete({ where: { id: tool.id } });
  ctx.deps.bus.publish('toolChanged', { toolId: tool.id });
  for (const { gateway } of assignments) publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
  return { id: tool.id, deleted: true };
}
