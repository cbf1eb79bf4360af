import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { ExecutionSource } from '../generated/prisma/enums.ts';

export interface ExecutionRecord {
  organizationId: string;
  toolId: string | null;
  toolName: string;
  gatewayId: string | null;
  apiKeyId: string | null;
  userId: string | null;
  source: ExecutionSource;
  success: boolean;
  errorCode: string | null;
  upstreamStatus: number | null;
  durationMs: number;
  arguments?: Prisma.InputJsonValue;
  result?: Prisma.InputJsonValue;
  createdAt: Date;
}

export interface ExecutionRecorder {
  /** Queues one record; never blocks the caller. */
  record(entry: ExecutionRecord): void;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left (called on shutdown, so SIGTERM loses nothing). */
  stop(): Promise<void>;
}

/**
 * Buffers execution records and writes them in batches, off the response path. A failed write keeps the
 * batch for the next attempt instead of dropping it.
 */
export function createExecutionRecorder(
  db: PrismaClient,
  options: { intervalMs?: number; maxBatch?: number } = {},
): ExecutionRecorder {
  const maxBatch = options.maxBatch ?? 500;
  let queue: ExecutionRecord[] = [];
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    writing = writing.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        try {
          await db.execution.createMany({ data: batch });
          queue = queue.slice(batch.length);
        } catch (error) {
          console.error(
            `Could not write ${batch.length} execution records; will retry:`,
            (error as Error).message,
          );
          return;
        }
      }
    });
    return writing;
  }

  const timer = setInterval(() => void flush(), options.intervalMs ?? 250);
  timer.unref();

  return {
    record(entry) {
      queue.push(entry);
      if (queue.length >= maxBatch) void flush();
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
