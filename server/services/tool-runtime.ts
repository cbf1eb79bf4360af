import type { PrismaClient } from '../generated/prisma/client.ts';
import { type EventBus, listen } from '../pubsub.ts';
import type { ExecutableTool } from '../tools/executor/index.ts';
import type {
  GraphqlExecutionConfig,
  HttpExecutionConfig,
  JsonSchema,
  UpstreamCredential,
} from '../tools/types.ts';
import { credentialsForTool } from './upstream-credentials.ts';

/** Everything a call of one tool needs, loaded once and cached. */
export interface RuntimeTool {
  executable: ExecutableTool;
  name: string;
  organizationId: string;
  status: string;
  credentials: UpstreamCredential[];
  storePayloads: boolean;
}

export interface ToolRuntime {
  /** The tool of that organization ready to execute, or null when it does not exist there. */
  load(toolId: string, organizationId: string): Promise<RuntimeTool | null>;
  close(): Promise<void>;
}

const TTL_MS = 30_000;

/**
 * Keeps executable tools with their decrypted credentials in memory, so a call costs no database read or
 * decryption once warm. Edits of tools, credentials or organization settings, on any instance, evict
 * through the event bus; the TTL bounds staleness should an event be missed.
 */
export function createToolRuntime(db: PrismaClient, bus: EventBus, encryptionKey: Buffer): ToolRuntime {
  const cache = new Map<string, { tool: RuntimeTool; loadedAt: number }>();
  const stops = [
    listen(bus.subscribe('toolChanged'), ({ toolId }) => cache.delete(toolId)),
    listen(bus.subscribe('apiCredentialsChanged'), () => cache.clear()),
    listen(bus.subscribe('organizationChanged'), () => cache.clear()),
  ];

  async function read(toolId: string): Promise<RuntimeTool | null> {
    const row = await db.tool.findUnique({
      where: { id: toolId },
      include: {
        sourceApi: { select: { securitySchemes: true } },
        organization: { select: { storeExecutionPayloads: true } },
      },
    });
    if (!row || row.type === 'mcp') return null;
    return {
      executable: {
        id: row.id,
        version: row.updatedAt.toISOString(),
        type: row.type,
        parameters: row.parameters as JsonSchema,
        executionConfig: row.executionConfig as unknown as HttpExecutionConfig | GraphqlExecutionConfig,
      },
      name: row.name,
      organizationId: row.organizationId,
      status: row.status,
      credentials: await credentialsForTool(
        db,
        encryptionKey,
        row,
        new Set(row.sourceApi?.securitySchemes ?? []),
      ),
      storePayloads: row.organization.storeExecutionPayloads,
    };
  }

  return {
    async load(toolId, organizationId) {
      const hit = cache.get(toolId);
      let tool = hit && Date.now() - hit.loadedAt < TTL_MS ? hit.tool : undefined;
      if (!tool) {
        const loaded = await read(toolId);
        if (!loaded) return null;
        tool = loaded;
        cache.set(toolId, { tool, loadedAt: Date.now() });
      }
      return tool.organizationId === organizationId ? tool : null;
    },
    async close() {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
