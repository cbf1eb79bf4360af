import { filter, pipe } from 'graphql-yoga';
import { assertCan, requireUser } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import type { Execution, Prisma } from '../generated/prisma/client.ts';
import type { ExecutionSource } from '../generated/prisma/enums.ts';
import type { ToolExecutedEvent } from '../pubsub.ts';
import { findGatewayInScope } from './gateways.ts';
import { assertUuid, type PageWindow, pageWindow } from './validation.ts';

export interface ExecutionFilters {
  page?: number | null;
  limit?: number | null;
  toolId?: string | null;
  gatewayId?: string | null;
  source?: ExecutionSource | null;
  success?: boolean | null;
  since?: Date | null;
  until?: Date | null;
}

/** Execution records of the organization, newest first. */
export async function listExecutions(
  ctx: ServiceContext,
  filters: ExecutionFilters,
): Promise<{ items: Execution[]; total: number } & PageWindow> {
  const scope = assertCan(ctx.viewer, 'tool:read');
  const window = pageWindow(filters);
  const where: Prisma.ExecutionWhereInput = {
    organizationId: scope.organizationId,
    ...(filters.toolId ? { toolId: assertUuid('toolId', filters.toolId) } : {}),
    ...(filters.gatewayId ? { gatewayId: assertUuid('gatewayId', filters.gatewayId) } : {}),
    ...(filters.source ? { source: filters.source } : {}),
    ...(typeof filters.success === 'boolean' ? { success: filters.success } : {}),
    ...(filters.since || filters.until
      ? {
          createdAt: {
            ...(filters.since ? { gte: filters.since } : {}),
            ...(filters.until ? { lt: filters.until } : {}),
          },
        }
      : {}),
  };
  const [items, total] = await Promise.all([
    ctx.deps.db.execution.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.execution.count({ where }),
  ]);
  return { ...window, items, total };
}

export interface ToolStats {
  toolId: string;
  toolName: string;
  totalCalls: number;
  /** Share of successful calls, 0–1; 0 without calls. */
  successRate: number;
  /** Mean duration in milliseconds; 0 without calls. */
  avgDuration: number;
  lastCalledAt: Date | null;
}

/** Call statistics of every tool assigned to a gateway, from its execution records. */
export async function gatewayToolStats(ctx: ServiceContext, gatewayId: string): Promise<ToolStats[]> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:read', gatewayId, 'gatewayId');
  const { db } = ctx.deps;
  const [assigned, totals, successes] = await Promise.all([
    db.gatewayTool.findMany({
      where: { gatewayId: gateway.id },
      select: { tool: { select: { id: true, name: true } } },
      orderBy: { tool: { name: 'asc' } },
    }),
    db.execution.groupBy({
      by: ['toolId'],
      where: { gatewayId: gateway.id },
      _count: { _all: true },
      _avg: { durationMs: true },
      _max: { createdAt: true },
    }),
    db.execution.groupBy({
      by: ['toolId'],
      where: { gatewayId: gateway.id, success: true },
      _count: { _all: true },
    }),
  ]);
  const totalOf = new Map(totals.map((row) => [row.toolId, row]));
  const successOf = new Map(successes.map((row) => [row.toolId, row._count._all]));
  return assigned.map(({ tool }) => {
    const row = totalOf.get(tool.id);
    const calls = row?._count._all ?? 0;
    return {
      toolId: tool.id,
      toolName: tool.name,
      totalCalls: calls,
      successRate: calls === 0 ? 0 : (successOf.get(tool.id) ?? 0) / calls,
      avgDuration: Math.round(row?._avg.durationMs ?? 0),
      lastCalledAt: row?._max.createdAt ?? null,
    };
  });
}

/**
 * Tool calls as they happen, for members of the call's organization (checked at each event, so a member
 * removed mid-stream stops receiving), optionally of one gateway.
 * @throws UNAUTHORIZED without credentials.
 */
export function subscribeToolExecutions(
  ctx: ServiceContext,
  gatewayId?: string | null,
): AsyncIterable<ToolExecutedEvent> {
  const viewer = requireUser(ctx.viewer);
  const onlyGateway = gatewayId ? assertUuid('gatewayId', gatewayId) : null;
  return pipe(
    ctx.deps.bus.subscribe('toolExecuted'),
    filter(async (event: ToolExecutedEvent) => {
      if (onlyGateway && event.gatewayId !== onlyGateway) return false;
      const roles = await ctx.deps.identity.rolesOf(viewer.userId);
      return roles.some((entry) => entry.organizationId === event.organizationId);
    }),
  );
}
