import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { A2aArtifact, A2aMessage, A2aPart, A2aTask, A2aTaskStatus } from '../../services/a2a-tasks.ts';
import { TERMINAL_TASK_STATES } from '../../services/a2a-tasks.ts';
import {
  contentOf,
  type Dialect,
  optionalMetadata,
  parseParams,
  type TaskView,
  visiblePartsOf,
} from './dialect.ts';

/**
 * v0.3 data parts hold objects only. Other JSON values travel wrapped as `{ value }` with this metadata flag,
 * the convention of the A2A SDKs' compatibility layers, which unwrap it again.
 */
const WRAPPED_DATA_FLAG = 'data_part_compat';

const metadata = z.record(z.string(), z.unknown());
const shortText = z.string().max(200);

// `type` is the part discriminator of the protocol's first drafts, still sent by `tasks/send` clients.
const part = z
  .object({
    kind: z.enum(['text', 'data', 'file']).optional(),
    type: z.enum(['text', 'data', 'file']).optional(),
    text: z.string().optional(),
    data: z.unknown().optional(),
    file: z
      .object({
        uri: z.string().max(8192).optional(),
        bytes: z.string().optional(),
        mimeType: shortText.optional(),
        name: z.string().max(500).optional(),
      })
      .refine((file) => (file.uri === undefined) !== (file.bytes === undefined), {
        message: 'a file holds exactly one of uri or bytes',
      })
      .optional(),
    metadata: metadata.optional(),
  })
  .refine((value) => value.kind !== undefined || value.type !== undefined, { message: 'kind is required' })
  .refine(
    (value) => {
      const kind = value.kind ?? value.type;
      return kind === 'text'
        ? value.text !== undefined
        : kind === 'data'
          ? 'data' in value
          : value.file !== undefined;
    },
    { message: 'a text part needs text, a data part data, a file part file' },
  );

const message = z.object({
  kind: z.literal('message').optional(),
  messageId: z.string().min(1).max(200).optional(),
  role: z.literal('user', 'must be "user": agents send the replies'),
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
      blocking: z.boolean().optional(),
      pushNotificationConfig: z.unknown().optional(),
    })
    .optional(),
  metadata: metadata.optional(),
});

const taskQuery = z.object({
  id: z.string().min(1).max(200),
  historyLength: z.number().int().min(0).optional(),
});

function toPart(given: z.infer<typeof part>): A2aPart {
  const kind = given.kind ?? given.type;
  const meta = given.metadata ? { ...given.metadata } : undefined;
  if (kind === 'text') return { text: given.text ?? '', ...optionalMetadata(meta) };
  if (kind === 'data') {
    let data = given.data;
    if (meta?.[WRAPPED_DATA_FLAG] === true) {
      delete meta[WRAPPED_DATA_FLAG];
      if (data !== null && typeof data === 'object' && 'value' in data)
        data = (data as { value: unknown }).value;
    }
    return { data, ...optionalMetadata(meta) };
  }
  const file = given.file ?? {};
  const extra = {
    ...(file.mimeType ? { mediaType: file.mimeType } : {}),
    ...(file.name ? { filename: file.name } : {}),
    ...optionalMetadata(meta),
  };
  return file.uri !== undefined ? { url: file.uri, ...extra } : { raw: file.bytes ?? '', ...extra };
}

function renderPart(value: A2aPart) {
  const content = contentOf(value);
  if ('text' in content) return { kind: 'text', text: content.text, ...optionalMetadata(value.metadata) };
  if ('data' in content) {
    const isObject =
      content.data !== null && typeof content.data === 'object' && !Array.isArray(content.data);
    return isObject
      ? { kind: 'data', data: content.data, ...optionalMetadata(value.metadata) }
      : {
          kind: 'data',
          data: { value: content.data },
          metadata: { ...value.metadata, [WRAPPED_DATA_FLAG]: true },
        };
  }
  const file = {
    ...('url' in content ? { uri: content.url } : { bytes: content.raw }),
    ...(value.mediaType ? { mimeType: value.mediaType } : {}),
    ...(value.filename ? { name: value.filename } : {}),
  };
  return { kind: 'file', file, ...optionalMetadata(value.metadata) };
}

function renderMessage(value: A2aMessage) {
  return {
    kind: 'message',
    messageId: value.messageId,
    contextId: value.contextId,
    taskId: value.taskId,
    role: value.role,
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
    state: status.state,
    ...(status.message ? { message: renderMessage(status.message) } : {}),
    timestamp: status.timestamp,
  };
}

function renderTask(task: A2aTask, view?: TaskView) {
  const { history, artifacts } = visiblePartsOf(task, view);
  return {
    kind: 'task',
    id: task.id,
    contextId: task.contextId,
    status: renderStatus(task.status),
    ...(artifacts && artifacts.length > 0 ? { artifacts: artifacts.map(renderArtifact) } : {}),
    ...(history.length > 0 ? { history: history.map(renderMessage) } : {}),
  };
}

/**
 * A2A v0.3 over JSON-RPC: slash-separated methods, `kind`-tagged objects, lowercase states and a `final`
 * flag on status updates. Lenient where older clients differ (`type` for `kind`, no `messageId`).
 */
export const dialectV03: Dialect = {
  version: '0.3',
  parseSend(params) {
    const given = parseParams(sendParams, params);
    return {
      message: {
        messageId: given.message.messageId ?? randomUUID(),
        role: 'user',
        parts: given.message.parts.map(toPart),
        contextId: given.message.contextId ?? '',
        taskId: given.message.taskId ?? '',
        ...(given.message.metadata ? { metadata: given.message.metadata } : {}),
      },
      historyLength: given.configuration?.historyLength,
      returnImmediately: given.configuration?.blocking === false,
      acceptedOutputModes: given.configuration?.acceptedOutputModes ?? [],
      metadata: given.metadata,
      wantsPush: given.configuration?.pushNotificationConfig != null,
    };
  },
  parseTaskQuery(params) {
    return parseParams(taskQuery, params);
  },
  task: renderTask,
  sendResult: renderTask,
  taskEvent: renderTask,
  statusEvent: (task) => ({
    kind: 'status-update',
    taskId: task.id,
    contextId: task.contextId,
    status: renderStatus(task.status),
    final: TERMINAL_TASK_STATES.has(task.status.state),
  }),
  artifactEvent: (task, artifact) => ({
    kind: 'artifact-update',
    taskId: task.id,
    contextId: task.contextId,
    artifact: renderArtifact(artifact),
    append: false,
    lastChunk: true,
  }),
};
