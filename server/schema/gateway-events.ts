import { builder } from '../builder.ts';
import type { GatewayChangedEvent } from '../pubsub.ts';
import { gatewayOfEvent, subscribeGatewayChanges } from '../services/gateway-events.ts';

const GatewayChangeKindEnum = builder.enumType('GatewayChangeKind', {
  values: ['CREATED', 'UPDATED', 'DELETED', 'STATUS_CHANGED', 'TOOLS_CHANGED', 'AUTH_CHANGED'] as const,
});

const GatewayChangeEvent = builder.objectRef<GatewayChangedEvent>('GatewayChangeEvent').implement({
  fields: (t) => ({
    kind: t.field({ type: GatewayChangeKindEnum, resolve: (event) => event.kind }),
    gatewayId: t.exposeID('gatewayId'),
    organizationId: t.exposeID('organizationId'),
    occurredAt: t.exposeString('occurredAt'),
    gateway: t.prismaField({
      type: 'Gateway',
      nullable: true,
      description: 'The gateway as it is now; null once deleted.',
      resolve: (query, event, _args, ctx) => gatewayOfEvent(ctx, event, query),
    }),
  }),
});

builder.subscriptionField('gatewayChanged', (t) =>
  t.field({
    type: GatewayChangeEvent,
    description:
      'Gateways created, updated, deleted, or whose status, tools or auth changed, in your organizations.',
    args: { gatewayId: t.arg.id({ description: 'Only this gateway.' }) },
    subscribe: (_root, args, ctx) =>
      subscribeGatewayChanges(ctx, args.gatewayId ? String(args.gatewayId) : null),
    resolve: (event) => event,
  }),
);
