import type { GatewayScope } from '../gateway-auth.ts';
import type { Dialect } from './dialect.ts';
import { dialectV1 } from './dialect-v1.ts';
import { dialectV03 } from './dialect-v03.ts';
import type { MethodHandler } from './method-context.ts';
import { sendMessage, sendStreamingMessage } from './send-methods.ts';
import {
  cancelTaskMethod,
  extendedAgentCard,
  getTask,
  listTasks,
  pushNotificationConfig,
  subscribeToTask,
} from './task-methods.ts';

/** A JSON-RPC method: the wire format it speaks, the scope it needs, and what it does. */
export interface MethodEntry {
  dialect: Dialect;
  scope: GatewayScope;
  handler: MethodHandler;
}

const run = (handler: MethodHandler): Omit<MethodEntry, 'dialect'> => ({ scope: 'tools:execute', handler });
const read = (handler: MethodHandler): Omit<MethodEntry, 'dialect'> => ({ scope: 'tools:read', handler });

const OPERATIONS = {
  send: run(sendMessage),
  stream: run(sendStreamingMessage),
  cancel: run(cancelTaskMethod),
  get: read(getTask),
  list: read(listTasks),
  subscribe: read(subscribeToTask),
  push: read(pushNotificationConfig),
  extendedCard: read(extendedAgentCard),
};

type Operation = keyof typeof OPERATIONS;

const V1_METHODS: Record<string, Operation> = {
  SendMessage: 'send',
  SendStreamingMessage: 'stream',
  GetTask: 'get',
  ListTasks: 'list',
  CancelTask: 'cancel',
  SubscribeToTask: 'subscribe',
  CreateTaskPushNotificationConfig: 'push',
  GetTaskPushNotificationConfig: 'push',
  ListTaskPushNotificationConfigs: 'push',
  DeleteTaskPushNotificationConfig: 'push',
  GetExtendedAgentCard: 'extendedCard',
};

// `tasks/send` and `tasks/sendSubscribe` are the names these methods had before v0.2.
const V03_METHODS: Record<string, Operation> = {
  'message/send': 'send',
  'tasks/send': 'send',
  'message/stream': 'stream',
  'tasks/sendSubscribe': 'stream',
  'tasks/get': 'get',
  'tasks/cancel': 'cancel',
  'tasks/resubscribe': 'subscribe',
  'tasks/pushNotificationConfig/set': 'push',
  'tasks/pushNotificationConfig/get': 'push',
  'tasks/pushNotificationConfig/list': 'push',
  'tasks/pushNotificationConfig/delete': 'push',
  'agent/getAuthenticatedExtendedCard': 'extendedCard',
};

/**
 * Every method this endpoint answers, by name. The name alone says the protocol version (PascalCase is
 * v1.0, slash-separated is v0.3), and each answers in the shapes of its own version, so clients of both
 * share one URL. Sending and canceling need `tools:execute`; reading needs `tools:read`.
 */
export const A2A_METHODS: ReadonlyMap<string, MethodEntry> = new Map([
  ...Object.entries(V1_METHODS).map(([name, op]): [string, MethodEntry] => [
    name,
    { dialect: dialectV1, ...OPERATIONS[op] },
  ]),
  ...Object.entries(V03_METHODS).map(([name, op]): [string, MethodEntry] => [
    name,
    { dialect: dialectV03, ...OPERATIONS[op] },
  ]),
]);
