import { randomUUID } from 'node:crypto';
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
  const maxBatch = Math.min(options.maxBatch ?? 500, MAX_ROWS_PER_STATEMENT);
  let queue: ExecutionRecord[] = [];
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    writing = writing.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        try {
          await insertBatch(db, batch);
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

// Column, SQL cast. One multi-row INSERT measured about 6x faster than Prisma's createMany on PGlite,
// which runs on the server's own thread, so the difference is time every request waits.
const COLUMNS: [keyof ExecutionRecord | 'id', string][] = [
  ['id', 'uuid'],
  ['organizationId', 'uuid'],
  ['toolId', 'uuid'],
  ['toolName', 'text'],
  ['gatewayId', 'uuid'],
  ['apiKeyId', 'uuid'],
  ['userId', 'uuid'],
  ['source', '"ExecutionSource"'],
  ['success', 'boolean'],
  ['errorCode', 'text'],
  ['upstreamStatus', 'integer'],
  ['durationMs', 'integer'],
  ['arguments', 'jsonb'],
  ['result', 'jsonb'],
  ['createdAt', 'timestamptz'],
];
// PostgreSQL takes at most 65535 parameters per statement.
const MAX_ROWS_PER_STATEMENT = Math.floor(65_535 / COLUMNS.length);

async function insertBatch(db: PrismaClient, batch: ExecutionRecord[]): Promise<void> {
  const values: unknown[] = [];
  const rows = batch.map((record) => {
    const placeholders = COLUMNS.map(([column, cast]) => {
      const value = column === 'id' ? randomUUID() : record[column];
      values.push(cast === 'jsonb' ? jsonText(value) : (value ?? null));
      return `$${values.length}::${cast}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const columns = COLUMNS.map(([column]) => `"${column}"`).join(', ');
  await db.$executeRawUnsafe(`INSERT INTO "Execution" (${columns}) VALUES ${rows.join(', ')}`, ...values);
}

/** PostgreSQL refuses U+0000 in jsonb; a payload carrying one must not block the whole batch. */
function jsonText(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value).replaceAll('\\u0000', '\\ufffd');
}
