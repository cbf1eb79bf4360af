import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { GatewayTool, Prisma, Tool } from '../generated/prisma/client.ts';
import { findGatewayInScope, publishGatewayChange } from './gateways.ts';
import { type ToolFilters, type ToolQuery, toolFilterWhere } from './tools.ts';
import { assertUuid, type PageWindow, pageWindow, parseInput } from './validation.ts';

export type GatewayToolQuery = { include?: Prisma.GatewayToolInclude; select?: Prisma.GatewayToolSelect };

export const GATEWAY_SCOPES = ['tools:read', 'tools:execute', 'gateway:read'] as const;
const MAX_BULK = 500;

/**
 * Assigns one tool of the same organization to a gateway.
 * @throws NOT_FOUND for an unknown or foreign gateway or tool; CONFLICT when already assigned.
 */
export async function assignTool(
  ctx: ServiceContext,
  gatewayId: string,
  toolId: string,
  query: GatewayToolQuery = {},
): Promise<GatewayTool> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:write', gatewayId, 'gatewayId');
  const tool = await ctx.deps.db.tool.findFirst({
    where: { id: assertUuid('toolId', toolId), organizationId: gateway.organizationId },
    select: { id: true },
  });
  if (!tool) throw notFound('Tool');
  const existing = await ctx.deps.db.gatewayTool.findUnique({
    where: { gatewayId_toolId: { gatewayId: gateway.id, toolId: tool.id } },
  });
  if (existing) throw conflict('Tool is already assigned to this gateway');
  const assignment = await ctx.deps.db.gatewayTool.create({
    ...query,
    data: { gatewayId: gateway.id, toolId: tool.id },
  });
  publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
  return assignment;
}

/**
 * Assigns several tools at once, all or nothing. Tools already assigned are left as they are.
 * @throws BAD_REQUEST listing every id that is not a tool of this organization (nothing is assigned then).
 */
export async function assignTools(
  ctx: ServiceContext,
  gatewayId: string,
  toolIds: string[],
  query: GatewayToolQuery = {},
): Promise<{ assigned: GatewayTool[]; alreadyAssigned: string[] }> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:write', gatewayId, 'gatewayId');
  if (toolIds.length === 0) throw badRequest('toolIds', 'toolIds: give at least one tool id');
  if (toolIds.length > MAX_BULK) throw badRequest('toolIds', `toolIds: at most ${MAX_BULK} ids per request`);
  const ids = [...new Set(toolIds.map((id, index) => assertUuid(`toolIds[${index}]`, id)))];
  const found = await ctx.deps.db.tool.findMany({
    where: { id: { in: ids }, organizationId: gateway.organizationId },
    select: { id: true },
  });
  const known = new Set(found.map((tool) => tool.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw badRequest(
      'toolIds',
      `toolIds: no tool with id ${unknown.join(', ')} in this organization; nothing was assigned`,
    );
  }
  const result = await ctx.deps.db.$transaction(async (tx) => {
    const present = await tx.gatewayTool.findMany({
      where: { gatewayId: gateway.id, toolId: { in: ids } },
      select: { toolId: true },
    });
    const alreadyAssigned = present.map((row) => row.toolId);
    const toAssign = ids.filter((id) => !alreadyAssigned.includes(id));
    await tx.gatewayTool.createMany({ data: toAssign.map((toolId) => ({ gatewayId: gateway.id, toolId })) });
    const assigned = await tx.gatewayTool.findMany({
      ...query,
      where: { gatewayId: gateway.id, toolId: { in: toAssign } },
      orderBy: { toolId: 'asc' },
    });
    return { assigned, alreadyAssigned };
  });
  if (result.assigned.length > 0) publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
  return result;
}

/** Removes a tool from a gateway (the tool itself stays). @throws NOT_FOUND when it was not assigned. */
export async function unassignTool(
  ctx: ServiceContext,
  gatewayId: string,
  toolId: string,
): Promise<{ id: string; deleted: boolean }> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:write', gatewayId, 'gatewayId');
  const { count } = await ctx.deps.db.gatewayTool.deleteMany({
    where: { gatewayId: gateway.id, toolId: assertUuid('toolId', toolId) },
  });
  if (count === 0) throw notFound('Tool assignment');
  publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
  return { id: toolId, deleted: true };
}

/** The tools assigned to a gateway with their per-gateway settings, by tool name. */
export async function listGatewayTools(
  ctx: ServiceContext,
  gatewayId: string,
  args: { page?: number | null; limit?: number | null },
  query: GatewayToolQuery = {},
): Promise<{ items: GatewayTool[]; total: number } & PageWindow> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:read', gatewayId, 'gatewayId');
  const window = pageWindow(args);
  const where = { gatewayId: gateway.id };
  const [items, total] = await Promise.all([
    ctx.deps.db.gatewayTool.findMany({
      ...query,
      where,
      orderBy: [{ tool: { name: 'asc' } }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.gatewayTool.count({ where }),
  ]);
  return { ...window, items, total };
}

/** Tools of the organization not yet assigned to the gateway. */
export async function listAvailableTools(
  ctx: ServiceContext,
  gatewayId: string,
  filters: ToolFilters,
  query: ToolQuery = {},
): Promise<{ items: Tool[]; total: number } & PageWindow> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:read', gatewayId, 'gatewayId');
  const window = pageWindow(filters);
  const where: Prisma.ToolWhereInput = {
    ...toolFilterWhere(gateway.organizationId, filters),
    gateways: { none: { gatewayId: gateway.id } },
  };
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

const settingsInput = z.strictObject({
  enabled: z.boolean().optional(),
  rateLimit: z.number().int().min(1, 'must be at least 1 call per minute').max(100_000).nullish(),
  securityPolicy: z
    .strictObject({
      allowedScopes: z
        .array(z.enum(GATEWAY_SCOPES, `must be one of ${GATEWAY_SCOPES.join(', ')}`))
        .max(10)
        .optional(),
    })
    .optional(),
});

/**
 * Changes a tool's settings on one gateway: enabled, calls per minute per caller, allowed key scopes.
 * @throws BAD_REQUEST, NOT_FOUND when the tool is not assigned, FORBIDDEN for viewers.
 */
export async function updateGatewayTool(
  ctx: ServiceContext,
  gatewayId: string,
  toolId: string,
  input: unknown,
  query: GatewayToolQuery = {},
): Promise<GatewayTool> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:write', gatewayId, 'gatewayId');
  const fields = parseInput(settingsInput, input);
  const key = { gatewayId_toolId: { gatewayId: gateway.id, toolId: assertUuid('toolId', toolId) } };
  const existing = await ctx.deps.db.gatewayTool.findUnique({ where: key, select: { toolId: true } });
  if (!existing) throw notFound('Tool assignment');
  const assignment = await ctx.deps.db.gatewayTool.update({
    ...query,
    where: key,
    data: {
      ...(fields.enabled !== undefined ? { enabled: fields.enabled } : {}),
      ...(fields.rateLimit !== undefined ? { rateLimit: fields.rateLimit } : {}),
      ...(fields.securityPolicy !== undefined
        ? { securityPolicy: fields.securityPolicy as Prisma.InputJsonObject }
        : {}),
    },
  });
  publishGatewayChange(ctx, 'TOOLS_CHANGED', gateway);
  return assignment;
}
