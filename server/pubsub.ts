import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub, type PubSubEvent } from 'graphql-yoga';
import { Redis } from 'ioredis';

export type GatewayChangeKind =
  | 'CREATED'
  | 'UPDATED'
  | 'DELETED'
  | 'STATUS_CHANGED'
  | 'TOOLS_CHANGED'
  | 'AUTH_CHANGED';

export interface GatewayChangedEvent {
  kind: GatewayChangeKind;
  organizationId: string;
  gatewayId: string;
  occurredAt: string;
}

/**
 * Every topic the server publishes. Payloads are plain JSON so they can cross instances through Redis.
 * The others keep per-instance caches honest: a revocation or an edit on one instance is seen by all of them.
 */
/** One tool call as dashboards see it live; the execution record is written separately, in batches. */
export interface ToolExecutedEvent {
  organizationId: string;
  gatewayId: string | null;
  toolId: string;
  toolName: string;
  source: string;
  apiKeyId: string | null;
  userId: string | null;
  success: boolean;
  errorCode: string | null;
  durationMs: number;
  occurredAt: string;
}

export type Topics = {
  gatewayChanged: [GatewayChangedEvent];
  toolExecuted: [ToolExecutedEvent];
  tokenRevoked: [{ jti: string }];
  apiKeyChanged: [{ prefix: string }];
  membershipChanged: [{ userId: string }];
  toolChanged: [{ toolId: string }];
  apiCredentialsChanged: [{ apiId: string }];
  organizationChanged: [{ organizationId: string }];
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
  const eventTarget = createRedisEventTarget<PubSubEvent<Topics, keyof Topics>>({
    publishClient,
    subscribeClient,
  });
  const bus = createPubSub<Topics>({ eventTarget });
  return Object.assign(bus, {
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  });
}

/** Consumes an event stream in the background; the returned function ends it. */
export function listen<T>(stream: AsyncIterable<T>, handle: (event: T) => unknown): () => Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await handle(next.value);
      } catch (error) {
        console.error('Event handler failed:', (error as Error).message);
      }
    }
  })();
  return async () => {
    await iterator.return?.();
  };
}
