import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import {
  type A2aMessage,
  type A2aTask,
  type A2aTaskRequest,
  type A2aTaskScope,
  type A2aTaskWriter,
  findA2aTask,
  settleA2aTask,
  TERMINAL_TASK_STATES,
} from '../../services/a2a-tasks.ts';
import type { GatewaySession, Refusal } from '../gateway-session.ts';
import { RPC, RpcError, refusalError } from './json-rpc.ts';
import { agentMessage, type OutputMode, taskAfterCall, timestamp, withState } from './task-outcomes.ts';
import { skillsHint, type ToolSelection } from './tool-selection.ts';

/** What every task operation needs beyond the request. */
export interface TaskRuntime {
  db: PrismaClient;
  tasks: A2aTaskWriter;
  /** Calls running on this instance by task id, so that a cancellation arriving here can stop them. */
  running: Map<string, AbortController>;
}

/** A message on its way to becoming a task. */
export interface Submission {
  session: GatewaySession;
  scope: A2aTaskScope;
  /** The new task, submitted, with the caller's message as its history. */
  task: A2aTask;
  selection: ToolSelection;
  modes: OutputMode[];
  request: A2aTaskRequest;
}

/** A started task: how it looks now, and its final form once the call is over and stored. */
export interface StartedTask {
  task: A2aTask;
  done: Promise<A2aTask>;
}

/** A new task for `message`: server-made ids, the caller's context id kept when given. */
export function openTask(message: A2aMessage): A2aTask {
  const id = randomUUID();
  const contextId = message.contextId || randomUUID();
  return {
    id,
    contextId,
    status: { state: 'submitted', timestamp: timestamp() },
    artifacts: [],
    history: [{ ...message, taskId: id, contextId }],
  };
}

/** The agent declines: the message asks for nothing it can do, and `reason` says what it can. */
function rejected(task: A2aTask, reason: string): A2aTask {
  return withState(task, 'rejected', agentMessage(task, reason));
}

/**
 * Runs the selected tool and returns the task it leaves (not yet stored), or the gateway's refusal. A
 * skill that this caller's scopes may not use is unknown to them, so the task is rejected as for a name
 * that exists nowhere.
 */
async function execute(
  submission: Submission,
  signal: AbortSignal,
): Promise<{ ok: true; task: A2aTask } | { ok: false; refusal: Refusal }> {
  const { session, selection, modes } = submission;
  if (!selection.ok) return { ok: true, task: rejected(submission.task, selection.reason) };
  const working = withState(submission.task, 'working');
  const result = await session.invoke(selection.tool, selection.arguments, 'a2a', signal);
  if (result.kind === 'done') {
    return { ok: true, task: taskAfterCall(working, selection.tool, result.outcome, modes, signal.aborted) };
  }
  if (result.kind === 'not_found') {
    const reason = `Unknown skill '${selection.tool.slice(0, 100)}'. ${skillsHint(session.gateway)}`;
    return { ok: true, task: rejected(working, reason) };
  }
  return { ok: false, refusal: result };
}

/**
 * SendMessage as clients use it by default: the call runs while the request waits, and the task is
 * stored once, finished. Nobody can know its id before the answer, so nothing is lost by writing it late,
 * and a refusal (a per-tool rate limit) is answered with its HTTP status, leaving no task behind.
 */
export async function runToEnd(
  runtime: TaskRuntime,
  submission: Submission,
  signal: AbortSignal,
): Promise<A2aTask> {
  const result = await execute(submission, signal);
  if (!result.ok) throw refusalError(result.refusal);
  await runtime.tasks.create(submission.scope, result.task, submission.request);
  return result.task;
}

/**
 * Stores the task as working and runs the call in the background (for streams and `returnImmediately`):
 * the caller learns the task id at once and may cancel it, here or on any instance. A refusal met now is
 * no longer an HTTP status but the task's failure. A cancellation that lands first wins: the call's result
 * is then dropped and `done` resolves to the task as stored.
 */
export async function startTask(runtime: TaskRuntime, submission: Submission): Promise<StartedTask> {
  const { db, running } = runtime;
  const { scope } = submission;
  if (!submission.selection.ok) {
    const task = rejected(submission.task, submission.selection.reason);
    await runtime.tasks.create(scope, task, submission.request);
    return { task, done: Promise.resolve(task) };
  }
  const working = withState(submission.task, 'working');
  await runtime.tasks.create(scope, working, submission.request);
  const controller = new AbortController();
  running.set(working.id, controller);
  const done = (async () => {
    try {
      const result = await execute(submission, controller.signal);
      const final = result.ok
        ? result.task
        : withState(
            working,
            'failed',
            agentMessage(working, result.refusal.message, {
              errorCode: result.refusal.kind === 'rate_limited' ? 'RATE_LIMITED' : 'FORBIDDEN',
            }),
          );
      if (await settleA2aTask(db, scope, final)) return final;
      return (await findA2aTask(db, scope, final.id)) ?? final;
    } finally {
      running.delete(working.id);
    }
  })();
  return { task: working, done };
}

/**
 * Cancels a running task of `scope`: stored as canceled first (so the call's result, arriving later on
 * whichever instance runs it, is dropped), then the call is stopped if it runs here.
 * @throws RpcError TASK_NOT_FOUND for a task the caller does not have; TASK_NOT_CANCELABLE for a task
 *   that has already ended.
 */
export async function cancelTask(runtime: TaskRuntime, scope: A2aTaskScope, id: string): Promise<A2aTask> {
  const task = await findA2aTask(runtime.db, scope, id);
  if (!task) throw taskNotFound(id);
  const notCancelable = (state: string) =>
    new RpcError(RPC.TASK_NOT_CANCELABLE, `Task ${task.id} is ${state} and can no longer be canceled`);
  if (TERMINAL_TASK_STATES.has(task.status.state)) throw notCancelable(task.status.state);
  const canceled = withState(
    task,
    'canceled',
    agentMessage(task, "The task was canceled at the caller's request"),
  );
  if (!(await settleA2aTask(runtime.db, scope, canceled))) {
    const now = await findA2aTask(runtime.db, scope, id);
    throw notCancelable(now?.status.state ?? 'over');
  }
  runtime.running.get(task.id)?.abort();
  return canceled;
}

/** TaskNotFoundError, the same for a task that never existed and for another caller's task. */
export function taskNotFound(id: string): RpcError {
  return new RpcError(RPC.TASK_NOT_FOUND, `Task not found: ${id.slice(0, 100)}`);
}
