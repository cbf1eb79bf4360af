import { randomUUID } from 'node:crypto';
import type { A2aMessage, A2aPart, A2aTask, A2aTaskState } from '../../services/a2a-tasks.ts';
import type { ToolCallOutcome } from '../../services/tool-execution.ts';

/** What a result artifact can hold: the result as a data part, and the same JSON as text. */
export const OUTPUT_MODES = ['application/json', 'text/plain'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

/**
 * What a caller is told about a failed call. The executor's own messages name upstream hosts and
 * addresses, which belong to the tool's owner (they stay in the execution record), not to every agent.
 */
const FAILURE_MESSAGES: Record<string, string> = {
  UPSTREAM_TIMEOUT: 'the upstream service did not answer in time',
  UPSTREAM_UNREACHABLE: 'the upstream service could not be reached',
  RESPONSE_TOO_LARGE: 'the upstream response was larger than this server accepts',
  DESTINATION_BLOCKED: "the tool's upstream address is not allowed by this server's network policy",
  CIRCUIT_OPEN: 'the upstream service keeps failing, so calls to it are paused for a moment: retry later',
  GRAPHQL_ERRORS: 'the upstream GraphQL service answered with errors',
  INVALID_CONFIGURATION: "the tool's definition is incomplete or invalid: its owner has to fix it",
  TOOL_UNAVAILABLE: 'the tool is not available right now',
  CANCELLED: 'the call was cancelled',
};

/** The current time as A2A timestamps it: ISO 8601, UTC, milliseconds. */
export function timestamp(): string {
  return new Date().toISOString();
}

/**
 * Which of the result's media types the caller accepts (`acceptedOutputModes`, wildcards allowed); an
 * empty list accepts both.
 */
export function acceptedModes(accepted: string[]): OutputMode[] {
  if (accepted.length === 0) return [...OUTPUT_MODES];
  const wanted = accepted.map((mode) => mode.split(';')[0]!.trim().toLowerCase());
  return OUTPUT_MODES.filter((mode) =>
    wanted.some((given) => given === mode || given === '*/*' || given === `${mode.split('/')[0]}/*`),
  );
}

/** A message from the agent about `task`. */
export function agentMessage(task: A2aTask, text: string, metadata?: Record<string, unknown>): A2aMessage {
  return {
    messageId: randomUUID(),
    role: 'agent',
    parts: [{ text }],
    contextId: task.contextId,
    taskId: task.id,
    ...(metadata ? { metadata } : {}),
  };
}

/** `task` moved to `state`; a message about it goes into the status and the history. */
export function withState(task: A2aTask, state: A2aTaskState, message?: A2aMessage): A2aTask {
  return {
    ...task,
    status: { state, timestamp: timestamp(), ...(message ? { message } : {}) },
    history: message ? [...task.history, message] : task.history,
  };
}

function failureText(tool: string, outcome: Extract<ToolCallOutcome, { ok: false }>): string {
  if (outcome.errorCode === 'INVALID_ARGUMENTS') return `Invalid arguments for ${tool}: ${outcome.message}`;
  if (outcome.errorCode === 'UPSTREAM_ERROR') {
    return `${tool} failed: the upstream service answered${outcome.upstreamStatus ? ` HTTP ${outcome.upstreamStatus}` : ' with an error'}`;
  }
  return `${tool} failed: ${FAILURE_MESSAGES[outcome.errorCode] ?? 'the call could not be completed'}`;
}

/**
 * The task a finished call leaves: completed with one artifact holding the result (as a data part and as
 * JSON text, in the media types the caller accepts), or failed with a message saying why; a call stopped
 * by a cancellation ends canceled.
 */
export function taskAfterCall(
  task: A2aTask,
  tool: string,
  outcome: ToolCallOutcome,
  modes: OutputMode[],
  cancelled: boolean,
): A2aTask {
  if (!outcome.ok) {
    if (cancelled) return withState(task, 'canceled', agentMessage(task, 'The task was canceled'));
    const message = agentMessage(task, failureText(tool, outcome), { errorCode: outcome.errorCode });
    return withState(task, 'failed', message);
  }
  const result = outcome.result === undefined ? null : outcome.result;
  const parts: A2aPart[] = [];
  if (modes.includes('application/json')) parts.push({ data: result, mediaType: 'application/json' });
  if (modes.includes('text/plain')) parts.push({ text: JSON.stringify(result), mediaType: 'text/plain' });
  const artifact = {
    artifactId: randomUUID(),
    name: 'result',
    description: `What ${tool} returned`,
    parts,
    metadata: { tool, upstreamStatus: outcome.upstreamStatus },
  };
  return { ...withState(task, 'completed'), artifacts: [artifact] };
}
