import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub, type PubSubEvent } from 'graphql-yoga';
import { Redis } from 'ioredis';

export type GatewayChangeKind = 'CREATED' | 'UPDATED' | 'DELETED' | 'STATUS_CHANGED' | 'TOOLS_CHANGED' | 'AUTH_CHANGED';

export interface GatewayChangedEvent {
  kind: GatewayChangeKind;
  organizationId: string;
  gatewayId: string;
  occurredAt: string;
}

/**
 * Every topic the server publishes. Payloads are plain JSON so they can cross instances through Redis.
 * The last three keep per-instance caches honest: a revocation on one instance is seen by all of them.
 */
export type Topics = {
  gatewayChanged: [GatewayChangedEvent];
  tokenRevoked: [{ jti: string }];
  apiKeyChanged: [{ prefix: string }];
  membershipChanged: [{ userId: string }];
};

export type EventBus = PubSub<Topics> & { close(): Promise<void> };

/**
 * In-process events by default; with `redisUrl`, events travel through Redis so a subscriber on one
 * instance sees what another instance published.
 */
export function createEventBus(options: { redisUrl?: string } = {}): EventBus {
  if (!options.redisUrl) {
    return Object.assign(createPubSub<Topics>(), { close: async () => {} });
  }
  const publishClient = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(options.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget<PubSubEvent<Topics, keyof Topics>>({ publishClient, subscribeClient });
  const bus = createPubSub<Topics>({ eventTarget });
  return Object.assign(bus, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}
