import { findA2aTask } from '../../services/a2a-tasks.ts';
import type { SendRequest } from './dialect.ts';
import { RPC, RpcError, rpcResult } from './json-rpc.ts';
import type { MethodCall } from './method-context.ts';
import { sseResponse } from './sse.ts';
import { acceptedModes } from './task-outcomes.ts';
import { openTask, runToEnd, type Submission, startTask, taskNotFound } from './task-runner.ts';
import { selectTool } from './tool-selection.ts';

/**
 * Checks what a send asks for beyond the message and turns it into a submission.
 * @throws RpcError for push notifications (never sent), result media types this agent cannot produce, and
 *   follow-ups to a task (every task here ends with its first message).
 */
async function prepare(call: MethodCall, request: SendRequest): Promise<Submission> {
  const { session, runtime, dialect, scope, rpc } = call;
  if (request.wantsPush) {
    throw new RpcError(
      RPC.PUSH_NOTIFICATION_NOT_SUPPORTED,
      'This agent sends no push notifications: poll with GetTask, or stream the task',
    );
  }
  const modes = acceptedModes(request.acceptedOutputModes);
  if (modes.length === 0) {
    throw new RpcError(
      RPC.CONTENT_TYPE_NOT_SUPPORTED,
      'This agent answers in application/json and text/plain only: accept one of them in acceptedOutputModes',
    );
  }
  const followed = request.message.taskId;
  if (followed) {
    const earlier = await findA2aTask(runtime.db, scope, followed);
    if (!earlier) throw taskNotFound(followed);
    throw new RpcError(
      RPC.UNSUPPORTED_OPERATION,
      `Task ${earlier.id} is ${earlier.status.state} and takes no further messages: each message here is its own task, so send it without taskId`,
    );
  }
  const task = openTask(request.message);
  const message = task.history[0]!;
  const selection = await selectTool(session.gateway, message, request.metadata);
  return {
    session,
    scope,
    task,
    selection,
    modes,
    request: {
      protocolVersion: dialect.version,
      method: rpc.method,
      tool: selection.ok ? selection.tool : null,
    },
  };
}

/**
 * SendMessage / message/send (and tasks/send): by default the answer waits for the task's end; with
 * `returnImmediately` (v1.0) or `blocking: false` (v0.3) it is the working task, to be polled.
 */
export async function sendMessage(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime, session } = call;
  const request = dialect.parseSend(rpc.params);
  const submission = await prepare(call, request);
  const view = { historyLength: request.historyLength };
  if (request.returnImmediately) {
    const started = await startTask(runtime, submission);
    started.done.catch((error: unknown) => console.error(`A2A task ${started.task.id} failed:`, error));
    return rpcResult(rpc.id, dialect.sendResult(started.task, view));
  }
  const task = await runToEnd(runtime, submission, session.request.signal);
  return rpcResult(rpc.id, dialect.sendResult(task, view));
}

/**
 * SendStreamingMessage / message/stream: Server-Sent Events with the task as submitted, its status
 * changes, the result artifact and the final status; the stream closes when the task ends. The task runs
 * on if the client disconnects, and can be read with GetTask afterwards.
 */
export async function sendStreamingMessage(call: MethodCall): Promise<Response> {
  const { dialect, rpc, runtime } = call;
  const submission = await prepare(call, dialect.parseSend(rpc.params));
  // Started before the stream opens, so a failure to store the task is still an ordinary error answer.
  const started = await startTask(runtime, submission);
  return sseResponse(rpc.id, async (send) => {
    send(dialect.taskEvent(submission.task));
    if (started.task.status.state === 'working') send(dialect.statusEvent(started.task));
    const final = await started.done;
    for (const artifact of final.artifacts) send(dialect.artifactEvent(final, artifact));
    send(dialect.statusEvent(final));
  });
}
