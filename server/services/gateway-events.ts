import { filter, pipe } from 'graphql-yoga';
import { assertCan, requireUser } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import type { Gateway } from '../generated/prisma/client.ts';
import type { GatewayChangedEvent } from '../pubsub.ts';
import type { GatewayQuery } from './gateways.ts';
import { assertUuid } from './validation.ts';

/**
 * Gateway changes for the subscriber: only of organizations they belong to at the moment of each event
 * (a member removed mid-stream stops receiving), optionally of one gateway.
 * @throws UNAUTHORIZED without credentials.
 */
export function subscribeGatewayChanges(
  ctx: ServiceContext,
  gatewayId?: string | null,
): AsyncIterable<GatewayChangedEvent> {
  const viewer = requireUser(ctx.viewer);
  const onlyGateway = gatewayId ? assertUuid('gatewayId', gatewayId) : null;
  return pipe(
    ctx.deps.bus.subscribe('gatewayChanged'),
    filter(async (event: GatewayChangedEvent) => {
      if (onlyGateway && event.gatewayId !== onlyGateway) return false;
      const roles = await ctx.deps.identity.rolesOf(viewer.userId);
      return roles.some((entry) => entry.organizationId === event.organizationId);
    }),
  );
}

/** The gateway an event is about, as it is now; null once deleted. */
export async function gatewayOfEvent(
  ctx: ServiceContext,
  event: GatewayChangedEvent,
  query: GatewayQuery = {},
): Promise<Gateway | null> {
  if (event.kind === 'DELETED') return null;
  const roles = await ctx.deps.identity.rolesOf(requireUser(ctx.viewer).userId);
  const viewer = { ...requireUser(ctx.viewer), memberships: roles };
  assertCan(viewer, 'gateway:read', event.organizationId);
  return ctx.deps.db.gateway.findFirst({
    ...query,
    where: { id: event.gatewayId, organizationId: event.organizationId },
  });
}
