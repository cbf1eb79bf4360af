import { z } from 'zod';
import type {
  A2aArtifact,
  A2aMessage,
  A2aPart,
  A2aTask,
  A2aTaskState,
  A2aTaskStatus,
} from '../../services/a2a-tasks.ts';
import {
  contentOf,
  type Dialect,
  optionalMetadata,
  parseParams,
  type TaskView,
  visiblePartsOf,
} from './dialect.ts';

/** A2A v1.0 renders task states as ProtoJSON enum names. */
export const V1_STATES: Record<A2aTaskState, string> = {
  submitted: 'TASK_STATE_SUBMITTED',
  working: 'TASK_STATE_WORKING',
  'input-required': 'TASK_STATE_INPUT_REQUIRED',
  'auth-required': 'TASK_STATE_AUTH_REQUIRED',
  completed: 'TASK_STATE_COMPLETED',
  failed: 'TASK_STATE_FAILED',
  canceled: 'TASK_STATE_CANCELED',
  rejected: 'TASK_STATE_REJECTED',
};

const STATE_OF_V1 = new Map(Object.entries(V1_STATES).map(([state, name]) => [name, state as A2aTaskState]));

/** The task state a v1.0 enum name stands for; undefined for UNSPECIFIED, which filters nothing. */
export const v1StateSchema = z
  .string()
  .refine((name) => name === 'TASK_STATE_UNSPECIFIED' || STATE_OF_V1.has(name), {
    message: `must be one of ${Object.values(V1_STATES).join(', ')}`,
  })
  .transform((name) => STATE_OF_V1.get(name));

const metadata = z.record(z.string(), z.unknown());
const shortText = z.string().max(200);

const part = z
  .object({
    text: z.string().optional(),
    data: z.unknown().optional(),
    url: z.string().max(8192).optional(),
    raw: z.string().optional(),
    mediaType: shortText.optional(),
    filename: z.string().max(500).optional(),
    metadata: metadata.optional(),
  })
  .refine((value) => ['text', 'data', 'url', 'raw'].filter((key) => key in value).length === 1, {
    message: 'a part holds exactly one of text, data, url or raw',
  });

const message = z.object({
  messageId: z.string().min(1).max(200),
  role: z.literal('ROLE_USER', 'must be ROLE_USER: agents send the replies'),
  parts: z.array(part).min(1, 'must hold at least one part').max(100),
  contextId: shortText.optional(),
  taskId: shortText.optional(),
  metadata: metadata.optional(),
});

const sendParams = z.object({
  message,
  configuration: z
    .object({
      acceptedOutputModes: z.array(shortText).max(50).optional(),
      historyLength: z.number().int().min(0).optional(),
      returnImmediately: z.boolean().optional(),
      taskPushNotificationConfig: z.unknown().optional(),
    })
    .optional(),
  metadata: metadata.optional(),
});

const taskQuery = z.object({
  id: z.string().min(1).max(200),
  historyLength: z.number().int().min(0).optional(),
});

function toPart(given: z.infer<typeof part>): A2aPart {
  const extra = {
    ...(given.mediaType ? { mediaType: given.mediaType } : {}),
    ...(given.filename ? { filename: given.filename } : {}),
    ...(given.metadata ? { metadata: given.metadata } : {}),
  };
  if (given.text !== undefined) return { text: given.text, ...extra };
  if ('data' in given) return { data: given.data, ...extra };
  if (given.url !== undefined) return { url: given.url, ...extra };
  return { raw: given.raw ?? '', ...extra };
}

function renderPart(value: A2aPart) {
  return {
    ...contentOf(value),
    ...(value.mediaType ? { mediaType: value.mediaType } : {}),
    ...(value.filename ? { filename: value.filename } : {}),
    ...optionalMetadata(value.metadata),
  };
}

function renderMessage(value: A2aMessage) {
  return {
    messageId: value.messageId,
    contextId: value.contextId,
    taskId: value.taskId,
    role: value.role === 'user' ? 'ROLE_USER' : 'ROLE_AGENT',
    parts: value.parts.map(renderPart),
    ...optionalMetadata(value.metadata),
  };
}

function renderArtifact(value: A2aArtifact) {
  return {
    artifactId: value.artifactId,
    name: value.name,
    ...(value.description ? { description: value.description } : {}),
    parts: value.parts.map(renderPart),
    ...optionalMetadata(value.metadata),
  };
}

function renderStatus(status: A2aTaskStatus) {
  return {
    state: V1_STATES[status.state],
    ...(status.message ? { message: renderMessage(status.message) } : {}),
    timestamp: status.timestamp,
  };
}

function renderTask(task: A2aTask, view?: TaskView) {
  const { history, artifacts } = visiblePartsOf(task, view);
  return {
    id: task.id,
    contextId: task.contextId,
    status: renderStatus(task.status),
    ...(artifacts && artifacts.length > 0 ? { artifacts: artifacts.map(renderArtifact) } : {}),
    ...(history.length > 0 ? { history: history.map(renderMessage) } : {}),
  };
}

/** A2A v1.0 over JSON-RPC: PascalCase methods, ProtoJSON shapes (`{ text }` parts, `TASK_STATE_*` enums). */
export const dialectV1: Dialect = {
  version: '1.0',
  parseSend(params) {
    const given = parseParams(sendParams, params);
    return {
      message: {
        messageId: given.message.messageId,
        role: 'user',
        parts: given.message.parts.map(toPart),
        contextId: given.message.contextId ?? '',
        taskId: given.message.taskId ?? '',
        ...(given.message.metadata ? { metadata: given.message.metadata } : {}),
      },
      historyLength: given.configuration?.historyLength,
      returnImmediately: given.configuration?.returnImmediately ?? false,
      acceptedOutputModes: given.configuration?.acceptedOutputModes ?? [],
      metadata: given.metadata,
      wantsPush: given.configuration?.taskPushNotificationConfig != null,
    };
  },
  parseTaskQuery(params) {
    return parseParams(taskQuery, params);
  },
  task: renderTask,
  sendResult: (task, view) => ({ task: renderTask(task, view) }),
  taskEvent: (task) => ({ task: renderTask(task) }),
  statusEvent: (task) => ({
    statusUpdate: { taskId: task.id, contextId: task.contextId, status: renderStatus(task.status) },
  }),
  artifactEvent: (task, artifact) => ({
    artifactUpdate: {
      taskId: task.id,
      contextId: task.contextId,
      artifact: renderArtifact(artifact),
      lastChunk: true,
    },
  }),
};
