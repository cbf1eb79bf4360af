import type { z } from 'zod';
import type { A2aArtifact, A2aMessage, A2aPart, A2aTask } from '../../services/a2a-tasks.ts';
import { RPC, RpcError } from './json-rpc.ts';

/** How much of a task to show: the last `historyLength` messages (all when unset), and its artifacts or not. */
export interface TaskView {
  historyLength?: number;
  includeArtifacts?: boolean;
}

/** A SendMessage request in protocol-neutral terms. */
export interface SendRequest {
  /** The caller's message; `taskId`/`contextId` are '' when the caller gave none. */
  message: A2aMessage;
  historyLength?: number;
  /** Answer at once with the running task instead of waiting for its end. */
  returnImmediately: boolean;
  /** Media types the caller accepts in the result; empty accepts all. */
  acceptedOutputModes: string[];
  /** The request's own metadata (where some clients put `skillId`). */
  metadata?: Record<string, unknown>;
  /** Whether the caller asked for push notifications, which this server does not send. */
  wantsPush: boolean;
}

/** The `id` (and history length) a GetTask, CancelTask or subscription names. */
export interface TaskQuery {
  id: string;
  historyLength?: number;
}

/**
 * One A2A protocol version's wire format: it parses requests into the neutral task model and renders tasks
 * and stream events in its own shapes, so the methods themselves are written once.
 */
export interface Dialect {
  version: '1.0' | '0.3';
  parseSend(params: Record<string, unknown>): SendRequest;
  parseTaskQuery(params: Record<string, unknown>): TaskQuery;
  task(task: A2aTask, view?: TaskView): unknown;
  /** The result of a blocking or immediate send. */
  sendResult(task: A2aTask, view?: TaskView): unknown;
  /** Stream events: the task as it starts, a status change, an artifact. */
  taskEvent(task: A2aTask): unknown;
  statusEvent(task: A2aTask): unknown;
  artifactEvent(task: A2aTask, artifact: A2aArtifact): unknown;
}

/**
 * Parses `params` with `schema`, or throws -32602 naming the offending fields, so a client learns what to
 * fix rather than that something, somewhere, was wrong.
 */
export function parseParams<T>(schema: z.ZodType<T>, params: unknown): T {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path || 'params'}: ${issue.message}`;
  });
  throw new RpcError(RPC.INVALID_PARAMS, `Invalid params: ${problems.join('; ')}`);
}

/** The history and artifacts `view` lets through (history length 0 shows none; unset shows all). */
export function visiblePartsOf(task: A2aTask, view: TaskView = {}) {
  const { historyLength, includeArtifacts = true } = view;
  const history =
    historyLength === undefined
      ? task.history
      : historyLength === 0
        ? []
        : task.history.slice(-historyLength);
  return { history, artifacts: includeArtifacts ? task.artifacts : undefined };
}

/** Which content a part carries, for renderers that switch on it. */
export function contentOf(
  part: A2aPart,
): { text: string } | { data: unknown } | { url: string } | { raw: string } {
  if ('text' in part) return { text: part.text };
  if ('data' in part) return { data: part.data };
  if ('url' in part) return { url: part.url };
  return { raw: part.raw };
}

/** Metadata, unless there is none: protocol JSON leaves empty fields out. */
export function optionalMetadata(metadata: Record<string, unknown> | undefined) {
  return metadata && Object.keys(metadata).length > 0 ? { metadata } : {};
}
