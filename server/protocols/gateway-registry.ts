import type { PrismaClient } from '../generated/prisma/client.ts';
import type { AuthMethodType, GatewayStatus, GatewayType } from '../generated/prisma/enums.ts';
import { type EventBus, listen } from '../pubsub.ts';
import { decryptSecret } from '../security/encryption.ts';
import type { JsonSchema } from '../tools/types.ts';

/** A tool as a gateway serves it: assigned, enabled, and active (or deprecated, which still works). */
export interface GatewayTool {
  toolId: string;
  name: string;
  description: string;
  parameters: JsonSchema;
  outputSchema: JsonSchema | null;
  deprecated: boolean;
  /** Calls per minute per caller; null for none. */
  rateLimit: number | null;
  /** Key scopes allowed to use the tool on this gateway; empty allows every scope. */
  allowedScopes: string[];
}

export interface GatewayAuthMethod {
  id: string;
  type: AuthMethodType;
  configuration: Record<string, unknown>;
  /** Decrypted secret (the HS256 key of a jwt method). */
  secret: string | null;
  allowedIpRanges: string[];
  requiredHeaders: string[];
}

/** Everything the protocol host needs to serve one gateway, loaded once and cached. */
export interface ServedGateway {
  id: string;
  organizationId: string;
  organizationSlug: string;
  name: string;
  description: string | null;
  type: GatewayType;
  status: GatewayStatus;
  endpoint: string;
  configuration: Record<string, unknown>;
  /** Public base URL of the gateway (PUBLIC_URL/<slug><endpoint>). */
  url: string;
  authMethods: GatewayAuthMethod[];
  /** In name order, which is the order every protocol lists them in. */
  tools: GatewayTool[];
  toolsByName: Map<string, GatewayTool>;
}

export interface GatewayRegistry {
  /** The gateway at `/<organization slug or id><endpoint>`, or null. */
  find(organization: string, endpoint: string): Promise<ServedGateway | null>;
  close(): Promise<void>;
}

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Caches served gateways by URL. Any change to a gateway, its tools or its auth methods publishes
 * `gatewayChanged` (tool edits announce every gateway that serves the tool), which evicts it on every
 * instance; the TTL bounds staleness should an event be missed.
 */
export function createGatewayRegistry(deps: {
  db: PrismaClient;
  bus: EventBus;
  encryptionKey: Buffer;
  publicUrl: string;
}): GatewayRegistry {
  const { db } = deps;
  const byUrl = new Map<string, { gateway: ServedGateway | null; loadedAt: number }>();
  const evictGateway = (gatewayId: string) => {
    for (const [key, entry] of byUrl) if (!entry.gateway || entry.gateway.id === gatewayId) byUrl.delete(key);
  };
  const stops = [
    listen(deps.bus.subscribe('gatewayChanged'), ({ gatewayId }) => evictGateway(gatewayId)),
    listen(deps.bus.subscribe('toolChanged'), () => byUrl.clear()),
    listen(deps.bus.subscribe('organizationChanged'), () => byUrl.clear()),
  ];

  async function load(organization: string, endpoint: string): Promise<ServedGateway | null> {
    const row = await db.gateway.findFirst({
      where: {
        endpoint,
        organization: UUID.test(organization) ? { id: organization.toLowerCase() } : { slug: organization },
      },
      include: {
        organization: { select: { slug: true } },
        authMethods: { orderBy: { position: 'asc' } },
        tools: {
          where: {
            enabled: true,
            tool: { status: { in: ['active', 'deprecated'] }, type: { in: ['http', 'graphql'] } },
          },
          include: { tool: true },
          orderBy: { tool: { name: 'asc' } },
        },
      },
    });
    if (!row) return null;
    const tools = row.tools.map(({ tool, rateLimit, securityPolicy }) => ({
      toolId: tool.id,
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters as JsonSchema,
      outputSchema: (tool.outputSchema as JsonSchema | null) ?? null,
      deprecated: tool.status === 'deprecated',
      rateLimit,
      allowedScopes: ((securityPolicy as { allowedScopes?: string[] }).allowedScopes ?? []).slice(),
    }));
    return {
      id: row.id,
      organizationId: row.organizationId,
      organizationSlug: row.organization.slug,
      name: row.name,
      description: row.description,
      type: row.type,
      status: row.status,
      endpoint: row.endpoint,
      configuration: row.configuration as Record<string, unknown>,
      url: `${deps.publicUrl}/${row.organization.slug}${row.endpoint}`,
      authMethods: row.authMethods.map((method) => {
        const rules = method.validationRules as { allowedIpRanges?: string[]; requiredHeaders?: string[] };
        return {
          id: method.id,
          type: method.type,
          configuration: method.configuration as Record<string, unknown>,
          secret: method.secretCiphertext
            ? decryptSecret(deps.encryptionKey, method.secretCiphertext, `auth-method:${method.id}`)
            : null,
          allowedIpRanges: rules.allowedIpRanges ?? [],
          requiredHeaders: rules.requiredHeaders ?? [],
        };
      }),
      tools,
      toolsByName: new Map(tools.map((tool) => [tool.name, tool])),
    };
  }

  return {
    async find(given, endpoint) {
      // Slugs are lowercase: looking up the name as given would cache a miss under the lowercased key and
      // hide the real gateway from everyone until the entry expired.
      const organization = given.toLowerCase();
      const key = `${organization}${endpoint}`;
      const hit = byUrl.get(key);
      if (hit && Date.now() - hit.loadedAt < TTL_MS) return hit.gateway;
      const gateway = await load(organization, endpoint);
      // Unknown URLs are cached too (probing costs no query), so the map is bounded: oldest out first.
      if (byUrl.size >= MAX_ENTRIES) byUrl.delete(byUrl.keys().next().value as string);
      byUrl.set(key, { gateway, loadedAt: Date.now() });
      return gateway;
    },
    async close() {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
