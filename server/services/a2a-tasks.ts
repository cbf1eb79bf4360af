import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

/** Task states in A2A v0.3 words; each protocol version renders them its own way. */
export type A2aTaskState =
  | 'submitted'
  | 'working'
  | 'input-required'
  | 'auth-required'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'rejected';

export const A2A_TASK_STATES: readonly A2aTaskState[] = [
  'submitted',
  'working',
  'input-required',
  'auth-required',
  'completed',
  'failed',
  'canceled',
  'rejected',
];

/** States after which a task never changes again. */
export const TERMINAL_TASK_STATES: ReadonlySet<A2aTaskState> = new Set([
  'completed',
  'failed',
  'canceled',
  'rejected',
]);

const RUNNING_STATES: A2aTaskState[] = A2A_TASK_STATES.filter((state) => !TERMINAL_TASK_STATES.has(state));

/** One part of a message or artifact, in the version-neutral form tasks are stored in. */
export type A2aPart = ({ text: string } | { data: unknown } | { url: string } | { raw: string }) & {
  mediaType?: string;
  filename?: string;
  metadata?: Record<string, unknown>;
};

export interface A2aMessage {
  messageId: string;
  role: 'user' | 'agent';
  parts: A2aPart[];
  contextId: string;
  taskId: string;
  metadata?: Record<string, unknown>;
}

export interface A2aArtifact {
  artifactId: string;
  name: string;
  description?: string;
  parts: A2aPart[];
  metadata?: Record<string, unknown>;
}

export interface A2aTaskStatus {
  state: A2aTaskState;
  /** ISO 8601 in UTC, milliseconds. */
  timestamp: string;
  message?: A2aMessage;
}

export interface A2aTask {
  id: string;
  contextId: string;
  status: A2aTaskStatus;
  artifacts: A2aArtifact[];
  history: A2aMessage[];
}

/**
 * How a task came to be, kept beside it for whoever investigates it later. Not the arguments: the message
 * in the history holds them as the protocol requires, and no more copies are kept than that.
 */
export interface A2aTaskRequest {
  protocolVersion: string;
  method: string;
  tool: string | null;
}

/** Whose tasks these are: a gateway and one caller of it. Every query is confined to one scope. */
export interface A2aTaskScope {
  gatewayId: string;
  organizationId: string;
  callerKey: string;
}

/**
 * A task still running this long after its last change was left behind by a server that stopped: no tool
 * call lasts this long (the executor's longest timeout is two minutes per attempt).
 */
export const ABANDONED_AFTER_MS = 15 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Row = Prisma.A2aTaskGetPayload<object>;

/**
 * JSON text for a jsonb column. PostgreSQL refuses the NUL character in jsonb, and an upstream's answer may
 * hold one, so it is stored as U+FFFD (an escaped backslash before `u0000` is text, and stays).
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
}

function toTask(row: Row, now: number): A2aTask {
  let status = row.status as unknown as A2aTaskStatus;
  if (
    !TERMINAL_TASK_STATES.has(row.state as A2aTaskState) &&
    now - row.updatedAt.getTime() > ABANDONED_AFTER_MS
  ) {
    status = {
      state: 'failed',
      timestamp: new Date(row.updatedAt.getTime() + ABANDONED_AFTER_MS).toISOString(),
      message: {
        messageId: `${row.id}-abandoned`,
        role: 'agent',
        parts: [{ text: 'The server running this task stopped before it finished: send the message again' }],
        contextId: row.contextId,
        taskId: row.id,
      },
    };
  }
  return {
    id: row.id,
    contextId: row.contextId,
    status,
    artifacts: row.artifacts as unknown as A2aArtifact[],
    history: row.history as unknown as A2aMessage[],
  };
}

/** Stores new tasks; see createA2aTaskWriter. */
export interface A2aTaskWriter {
  /** Stores a new task of `scope`; resolves once it is committed, so that any instance can read it. */
  create(scope: A2aTaskScope, task: A2aTask, request: A2aTaskRequest): Promise<void>;
}

interface PendingTask {
  row: Prisma.Sql;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Twelve parameters a row, and PostgreSQL takes at most 65535 in a statement.
const MAX_ROWS_PER_INSERT = 500;

function rowOf(scope: A2aTaskScope, task: A2aTask, request: A2aTaskRequest): Prisma.Sql {
  return Prisma.sql`(${task.id}::uuid, ${scope.gatewayId}::uuid, ${scope.organizationId}::uuid,
    ${scope.callerKey}, ${task.contextId}, ${task.status.state}, ${request.tool}, ${jsonText(request)}::jsonb,
    ${jsonText(task.status)}::jsonb, ${jsonText(task.artifacts)}::jsonb, ${jsonText(task.history)}::jsonb,
    ${new Date(task.status.timestamp)}::timestamptz)`;
}

async function insertRows(db: PrismaClient, rows: Prisma.Sql[]): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "A2aTask" ("id", "gatewayId", "organizationId", "callerKey", "contextId", "state", "toolName",
      "request", "status", "artifacts", "history", "updatedAt")
    VALUES ${Prisma.join(rows)}`;
}

/**
 * Stores new tasks with group commit: the tasks that arrive together, or while an INSERT is under way, go
 * out in one multi-row INSERT. Concurrent sends then cost one statement and one commit instead of one each,
 * which roughly doubled A2A throughput at 16 concurrent calls on PGlite (it runs on the server's own
 * thread) and saves WAL flushes on a server. Plain SQL, because Prisma's `create` also reads the row back
 * and took twice as long. A failed batch is retried row by row, so a bad row fails only its own request.
 */
export function createA2aTaskWriter(db: PrismaClient): A2aTaskWriter {
  let queue: PendingTask[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_ROWS_PER_INSERT);
        queue = queue.slice(batch.length);
        try {
          await insertRows(
            db,
            batch.map((entry) => entry.row),
          );
          for (const entry of batch) entry.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else for (const entry of batch) await insertRows(db, [entry.row]).then(entry.resolve, entry.reject);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    create(scope, task, request) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ row: rowOf(scope, task, request), resolve, reject });
        if (writing) return;
        // The first task waits for the end of this turn of the event loop, so that the requests whose calls
        // finished in the same turn join it: on PGlite nothing else overlaps with a write.
        writing = true;
        setImmediate(() => void drain());
      });
    },
  };
}

/**
 * The task `id` of `scope`, or null. Another caller's task is null too: for anyone but its creator it does
 * not exist. A running task abandoned by a stopped server reads as failed.
 */
export async function findA2aTask(
  db: PrismaClient,
  scope: A2aTaskScope,
  id: string,
): Promise<A2aTask | null> {
  if (!UUID.test(id)) return null;
  const row = await db.a2aTask.findFirst({
    where: { id: id.toLowerCase(), gatewayId: scope.gatewayId, callerKey: scope.callerKey },
  });
  return row ? toTask(row, Date.now()) : null;
}

/**
 * Gives a running task its final status (and artifacts and history). Returns false, changing nothing, when
 * the task had already ended: a cancellation that came first wins over the result of the call.
 */
export async function settleA2aTask(db: PrismaClient, scope: A2aTaskScope, task: A2aTask): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "A2aTask" SET "state" = ${task.status.state}, "status" = ${jsonText(task.status)}::jsonb,
      "artifacts" = ${jsonText(task.artifacts)}::jsonb, "history" = ${jsonText(task.history)}::jsonb,
      "updatedAt" = ${new Date(task.status.timestamp)}::timestamptz
    WHERE "id" = ${task.id}::uuid AND "gatewayId" = ${scope.gatewayId}::uuid AND "callerKey" = ${scope.callerKey}
      AND "state" IN (${Prisma.join(RUNNING_STATES)})`;
  return count === 1;
}

export interface A2aTaskQuery {
  contextId?: string;
  state?: A2aTaskState;
  /** Only tasks whose status changed at or after this time. */
  updatedSince?: Date;
  pageSize: number;
  /** Where the previous page ended (from `nextCursor`). */
  after?: { updatedAt: Date; id: string };
}

export interface A2aTaskPage {
  tasks: A2aTask[];
  /** Tasks matching the query on all pages. */
  total: number;
  /** Where the next page starts, or null after the last page. */
  nextCursor: { updatedAt: Date; id: string } | null;
}

function stateFilter(state: A2aTaskState | undefined, abandonedBefore: Date): Prisma.A2aTaskWhereInput {
  if (!state) return {};
  // Abandoned running tasks read as failed, so they are listed under that state and no other.
  if (state === 'failed') {
    return {
      OR: [{ state: 'failed' }, { state: { in: RUNNING_STATES }, updatedAt: { lt: abandonedBefore } }],
    };
  }
  if (TERMINAL_TASK_STATES.has(state)) return { state };
  return { state, updatedAt: { gte: abandonedBefore } };
}

/** The tasks of `scope`, most recently updated first, one page at a time (keyset pagination). */
export async function listA2aTasks(
  db: PrismaClient,
  scope: A2aTaskScope,
  query: A2aTaskQuery,
): Promise<A2aTaskPage> {
  const now = Date.now();
  const where: Prisma.A2aTaskWhereInput = {
    AND: [
      { gatewayId: scope.gatewayId, callerKey: scope.callerKey },
      query.contextId === undefined ? {} : { contextId: query.contextId },
      query.updatedSince ? { updatedAt: { gte: query.updatedSince } } : {},
      stateFilter(query.state, new Date(now - ABANDONED_AFTER_MS)),
    ],
  };
  const after = query.after;
  const [rows, total] = await Promise.all([
    db.a2aTask.findMany({
      where: after
        ? {
            AND: [
              where,
              {
                OR: [
                  { updatedAt: { lt: after.updatedAt } },
                  { updatedAt: after.updatedAt, id: { lt: after.id } },
                ],
              },
            ],
          }
        : where,
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: query.pageSize + 1,
    }),
    db.a2aTask.count({ where }),
  ]);
  const page = rows.slice(0, query.pageSize);
  const last = page.at(-1);
  return {
    tasks: page.map((row) => toTask(row, now)),
    total,
    nextCursor: rows.length > query.pageSize && last ? { updatedAt: last.updatedAt, id: last.id } : null,
  };
}
