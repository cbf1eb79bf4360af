import { z } from 'zod';
import { type Action, assertCan } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { badRequest, notFound, translatePrismaError } from '../errors.ts';
import type { Gateway, Prisma } from '../generated/prisma/client.ts';
import type { GatewayStatus, GatewayType } from '../generated/prisma/enums.ts';
import type { GatewayChangeKind } from '../pubsub.ts';
import { endpointField, gatewayConfigurationSchemas } from './gateway-configuration.ts';
import {
  assertUuid,
  descriptionField,
  nameField,
  type PageWindow,
  pageWindow,
  parseInput,
  searchText,
} from './validation.ts';

/** The selection plugin-prisma passes down so nested fields resolve in the same query. */
export type GatewayQuery = { include?: Prisma.GatewayInclude; select?: Prisma.GatewaySelect };

const gatewayType = z.enum(['mcp', 'a2a', 'utcp', 'skills'], 'must be one of mcp, a2a, utcp, skills');
const gatewayStatus = z.enum(
  ['active', 'inactive', 'maintenance', 'error'],
  'must be one of active, inactive, maintenance, error',
);

export function publishGatewayChange(
  ctx: ServiceContext,
  kind: GatewayChangeKind,
  gateway: { id: string; organizationId: string },
): void {
  ctx.deps.bus.publish('gatewayChanged', {
    kind,
    organizationId: gateway.organizationId,
    gatewayId: gateway.id,
    occurredAt: new Date().toISOString(),
  });
}

/**
 * Finds a gateway of the organization the request acts in, after checking the viewer may do `action`.
 * @throws NOT_FOUND for a missing gateway or one of another organization (indistinguishable).
 */
export async function findGatewayInScope(ctx: ServiceContext, action: Action, id: string, field = 'id') {
  const scope = assertCan(ctx.viewer, action);
  const gateway = await ctx.deps.db.gateway.findFirst({
    where: { id: assertUuid(field, id), organizationId: scope.organizationId },
    select: { id: true, organizationId: true, type: true, name: true, endpoint: true },
  });
  if (!gateway) throw notFound('Gateway');
  return { gateway, scope };
}

function parseConfiguration(type: GatewayType, configuration: unknown): Prisma.InputJsonObject {
  return parseInput(
    gatewayConfigurationSchemas[type],
    configuration ?? {},
    'configuration',
  ) as Prisma.InputJsonObject;
}

const createInput = z.object({
  name: nameField,
  type: gatewayType,
  endpoint: endpointField,
  description: descriptionField.nullish(),
  configuration: z.unknown().optional(),
});

/**
 * Creates a gateway in the request's organization.
 * @throws BAD_REQUEST naming the field; CONFLICT "Gateway with endpoint '…' already exists"; FORBIDDEN for viewers.
 */
export async function createGateway(
  ctx: ServiceContext,
  input: unknown,
  query: GatewayQuery = {},
): Promise<Gateway> {
  const scope = assertCan(ctx.viewer, 'gateway:write');
  const fields = parseInput(createInput, input);
  const configuration = parseConfiguration(fields.type, fields.configuration);
  const gateway = await ctx.deps.db.gateway
    .create({
      ...query,
      data: {
        organizationId: scope.organizationId,
        name: fields.name,
        type: fields.type,
        endpoint: fields.endpoint,
        description: fields.description ?? null,
        configuration,
      },
    })
    .catch((error) =>
      translatePrismaError(error, { conflict: `Gateway with endpoint '${fields.endpoint}' already exists` }),
    );
  publishGatewayChange(ctx, 'CREATED', gateway);
  return gateway;
}

export interface GatewayFilters {
  page?: number | null;
  limit?: number | null;
  type?: GatewayType | null;
  status?: GatewayStatus | null;
  search?: string | null;
}

/** Lists the organization's gateways, newest first. */
export async function listGateways(
  ctx: ServiceContext,
  filters: GatewayFilters,
  query: GatewayQuery = {},
): Promise<{ items: Gateway[]; total: number } & PageWindow> {
  const scope = assertCan(ctx.viewer, 'gateway:read');
  const window = pageWindow(filters);
  const search = searchText(filters.search);
  const where: Prisma.GatewayWhereInput = {
    organizationId: scope.organizationId,
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(search
      ? {
          OR: [
            { name: { contains: search, mode: 'insensitive' } },
            { description: { contains: search, mode: 'insensitive' } },
            { endpoint: { contains: search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
  const [items, total] = await Promise.all([
    ctx.deps.db.gateway.findMany({
      ...query,
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.gateway.count({ where }),
  ]);
  return { ...window, items, total };
}

/** @throws NOT_FOUND for a missing gateway or one of another organization. */
export async function getGateway(
  ctx: ServiceContext,
  id: string,
  query: GatewayQuery = {},
): Promise<Gateway> {
  const scope = assertCan(ctx.viewer, 'gateway:read');
  const gateway = await ctx.deps.db.gateway.findFirst({
    ...query,
    where: { id: assertUuid('id', id), organizationId: scope.organizationId },
  });
  if (!gateway) throw notFound('Gateway');
  return gateway;
}

const updateInput = z.strictObject({
  name: nameField.optional(),
  type: gatewayType.optional(),
  endpoint: endpointField.optional(),
  description: descriptionField.nullish(),
  status: gatewayStatus.optional(),
  configuration: z.unknown().optional(),
});

/**
 * Updates a gateway; its type is fixed at creation.
 * @throws BAD_REQUEST, NOT_FOUND, CONFLICT (endpoint taken), FORBIDDEN for viewers.
 */
export async function updateGateway(
  ctx: ServiceContext,
  id: string,
  input: unknown,
  query: GatewayQuery = {},
): Promise<Gateway> {
  const { gateway: current } = await findGatewayInScope(ctx, 'gateway:write', id);
  const fields = parseInput(updateInput, input);
  if (fields.type && fields.type !== current.type) {
    throw badRequest(
      'type',
      `type: cannot change from ${current.type} to ${fields.type}; create a new gateway instead`,
    );
  }
  const previous = await ctx.deps.db.gateway.findUniqueOrThrow({
    where: { id: current.id },
    select: { status: true },
  });
  const data: Prisma.GatewayUpdateInput = {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.endpoint !== undefined ? { endpoint: fields.endpoint } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
    ...(fields.configuration !== undefined
      ? { configuration: parseConfiguration(current.type, fields.configuration) }
      : {}),
  };
  const gateway = await ctx.deps.db.gateway
    .update({ ...query, where: { id: current.id }, data })
    .catch((error) =>
      translatePrismaError(error, { conflict: `Gateway with endpoint '${fields.endpoint}' already exists` }),
    );
  publishGatewayChange(
    ctx,
    fields.status && fields.status !== previous.status ? 'STATUS_CHANGED' : 'UPDATED',
    gateway,
  );
  return gateway;
}

/** Deletes a gateway with its assignments, auth methods and keys. @throws NOT_FOUND, FORBIDDEN */
export async function deleteGateway(
  ctx: ServiceContext,
  id: string,
): Promise<{ id: string; deleted: boolean }> {
  const { gateway } = await findGatewayInScope(ctx, 'gateway:write', id);
  const keys = await ctx.deps.db.apiKey.findMany({
    where: { gatewayId: gateway.id },
    select: { prefix: true },
  });
  await ctx.deps.db.gateway.delete({ where: { id: gateway.id } });
  for (const key of keys) {
    ctx.deps.gatewayKeys.forget(key.prefix);
    ctx.deps.bus.publish('apiKeyChanged', { prefix: key.prefix });
  }
  publishGatewayChange(ctx, 'DELETED', gateway);
  return { id: gateway.id, deleted: true };
}
