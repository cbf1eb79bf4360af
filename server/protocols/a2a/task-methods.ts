import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { findA2aTask, listA2aTasks, TERMINAL_TASK_STATES } from '../../services/a2a-tasks.ts';
import { parseParams } from './dialect.ts';
import { v1StateSchema } from './dialect-v1.ts';
import { RPC, RpcError, rpcResult } from './json-rpc.ts';
import type { MethodCall } from './method-context.ts';
import { sseResponse } from './sse.ts';
import { cancelTask, taskNotFound } from './task-runner.ts';

const DEFAULT_PAGE_SIZE = 50;
/** How often a subscription looks for changes: a task may run on any instance, so the database is the news. */
const SUBSCRIPTION_POLL_MS = 250;

/** GetTask / tasks/get: the caller's task, with as much history as asked for. */
export async function getTask(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime, scope } = call;
  const query = dialect.parseTaskQuery(rpc.params);
  const task = await findA2aTask(runtime.db, scope, query.id);
  if (!task) throw taskNotFound(query.id);
  return rpcResult(rpc.id, dialect.task(task, { historyLength: query.historyLength }));
}

/** CancelTask / tasks/cancel: the canceled task, or TaskNotCancelable once it has ended. */
export async function cancelTaskMethod(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime, scope } = call;
  const task = await cancelTask(runtime, scope, dialect.parseTaskQuery(rpc.params).id);
  return rpcResult(rpc.id, dialect.task(task));
}

const listParams = z.object({
  contextId: z.string().max(200).optional(),
  status: v1StateSchema.optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
  pageToken: z.string().max(500).optional(),
  historyLength: z.number().int().min(0).optional(),
  statusTimestampAfter: z.iso.datetime({ offset: true }).optional(),
  includeArtifacts: z.boolean().optional(),
});

/** Page tokens are where the last page ended; opaque to clients. */
function encodeToken(cursor: { updatedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt.toISOString(), cursor.id])).toString('base64url');
}

function decodeToken(token: string): { updatedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    const updatedAt = new Date(String(at));
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(updatedAt.getTime())) {
      return { updatedAt, id };
    }
  } catch {
    // Falls through to the error below: a token this server did not issue.
  }
  throw new RpcError(RPC.INVALID_PARAMS, 'Invalid params: pageToken is not one this server issued');
}

/**
 * ListTasks (v1.0 only; v0.3 had no JSON-RPC binding for it): the caller's tasks on this gateway, most
 * recently updated first, filtered and paged; artifacts only when asked for.
 */
export async function listTasks(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime, scope } = call;
  const params = parseParams(listParams, rpc.params);
  const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
  const page = await listA2aTasks(runtime.db, scope, {
    ...(params.contextId ? { contextId: params.contextId } : {}),
    ...(params.status ? { state: params.status } : {}),
    ...(params.statusTimestampAfter ? { updatedSince: new Date(params.statusTimestampAfter) } : {}),
    pageSize,
    ...(params.pageToken ? { after: decodeToken(params.pageToken) } : {}),
  });
  const view = { historyLength: params.historyLength, includeArtifacts: params.includeArtifacts ?? false };
  return rpcResult(rpc.id, {
    tasks: page.tasks.map((task) => dialect.task(task, view)),
    nextPageToken: page.nextCursor ? encodeToken(page.nextCursor) : '',
    pageSize,
    totalSize: page.total,
  });
}

/**
 * SubscribeToTask / tasks/resubscribe: the task as it is now, then its changes until it ends. A task that
 * has ended has nothing more to stream (UnsupportedOperation, as the spec says; GetTask reads it).
 */
export async function subscribeToTask(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime, scope } = call;
  const query = dialect.parseTaskQuery(rpc.params);
  const task = await findA2aTask(runtime.db, scope, query.id);
  if (!task) throw taskNotFound(query.id);
  if (TERMINAL_TASK_STATES.has(task.status.state)) {
    throw new RpcError(
      RPC.UNSUPPORTED_OPERATION,
      `Task ${task.id} is ${task.status.state}: there is nothing to subscribe to, read it with GetTask`,
    );
  }
  return sseResponse(rpc.id, async (send, closed) => {
    send(dialect.taskEvent(task));
    let last = task;
    while (!TERMINAL_TASK_STATES.has(last.status.state) && !closed.aborted) {
      await sleep(SUBSCRIPTION_POLL_MS, undefined, { ref: false });
      const now = await findA2aTask(runtime.db, scope, task.id);
      // Gone (its gateway was deleted): nothing more will happen to it.
      if (!now) return;
      if (now.status.timestamp === last.status.timestamp) continue;
      if (TERMINAL_TASK_STATES.has(now.status.state)) {
        for (const artifact of now.artifacts) send(dialect.artifactEvent(now, artifact));
      }
      send(dialect.statusEvent(now));
      last = now;
    }
  });
}

/** The push notification configuration methods: this agent declares `pushNotifications: false`. */
export async function pushNotificationConfig(): Promise<Response> {
  throw new RpcError(
    RPC.PUSH_NOTIFICATION_NOT_SUPPORTED,
    'This agent sends no push notifications: poll with GetTask, or stream the task',
  );
}

/** GetExtendedAgentCard: this agent declares no extended card; the public one is all there is. */
export async function extendedAgentCard(): Promise<Response> {
  throw new RpcError(
    RPC.UNSUPPORTED_OPERATION,
    'This agent has no extended agent card: read <gateway>/.well-known/agent-card.json',
  );
}
