import { builder } from '../builder.ts';
import type { ToolExecutedEvent } from '../pubsub.ts';
import {
  gatewayToolStats,
  listExecutions,
  subscribeToolExecutions,
  type ToolStats,
} from '../services/executions.ts';
import { executeTool, type ToolCallOutcome } from '../services/tool-execution.ts';
import { pageArgs, pageOf } from './pagination.ts';

const ExecutionSourceEnum = builder.enumType('ExecutionSource', {
  values: ['direct', 'mcp', 'a2a', 'utcp', 'skills'] as const,
});

const ToolExecutionResult = builder.objectRef<ToolCallOutcome>('ToolExecutionResult').implement({
  description: 'The outcome of one tool call.',
  fields: (t) => ({
    status: t.string({
      description: 'success or error.',
      resolve: (outcome) => (outcome.ok ? 'success' : 'error'),
    }),
    result: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (outcome) => (outcome.ok ? outcome.result : null),
    }),
    duration: t.int({ description: 'Milliseconds.', resolve: (outcome) => Math.round(outcome.durationMs) }),
    error: t.string({ nullable: true, resolve: (outcome) => (outcome.ok ? null : outcome.message) }),
    errorCode: t.string({ nullable: true, resolve: (outcome) => (outcome.ok ? null : outcome.errorCode) }),
    upstreamStatus: t.int({ nullable: true, resolve: (outcome) => outcome.upstreamStatus ?? null }),
    details: t.field({
      type: 'JSON',
      nullable: true,
      resolve: (outcome) => (outcome.ok ? null : (outcome.details ?? null)),
    }),
    toolId: t.exposeID('toolId'),
    toolName: t.exposeString('toolName'),
  }),
});

const ExecutionRef = builder.prismaObject('Execution', {
  description:
    'The record of one tool call. Arguments and results are kept only when the organization opts in.',
  fields: (t) => ({
    id: t.exposeID('id'),
    toolId: t.exposeID('toolId', { nullable: true }),
    toolName: t.exposeString('toolName'),
    gatewayId: t.exposeID('gatewayId', { nullable: true }),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true }),
    source: t.expose('source', { type: ExecutionSourceEnum }),
    success: t.exposeBoolean('success'),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    upstreamStatus: t.exposeInt('upstreamStatus', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
    arguments: t.expose('arguments', { type: 'JSON', nullable: true }),
    result: t.expose('result', { type: 'JSON', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ExecutionPage = pageOf('ExecutionPage', 'executions', ExecutionRef);

const ToolStatsRef = builder.objectRef<ToolStats>('ToolStats').implement({
  fields: (t) => ({
    toolId: t.exposeID('toolId'),
    toolName: t.exposeString('toolName'),
    totalCalls: t.exposeInt('totalCalls'),
    successRate: t.exposeFloat('successRate', { description: '0–1.' }),
    avgDuration: t.exposeInt('avgDuration', { description: 'Milliseconds.' }),
    lastCalledAt: t.expose('lastCalledAt', { type: 'DateTime', nullable: true }),
  }),
});

const GatewayToolStatsRef = builder.objectRef<{ stats: ToolStats[] }>('GatewayToolStats').implement({
  fields: (t) => ({ stats: t.field({ type: [ToolStatsRef], resolve: (value) => value.stats }) }),
});

const ExecuteToolInput = builder.inputType('ExecuteToolInput', {
  fields: (t) => ({
    parameters: t.field({
      type: 'JSON',
      description: 'The arguments, checked against the tool’s JSON Schema.',
    }),
  }),
});

builder.queryFields((t) => ({
  executions: t.field({
    type: ExecutionPage,
    description: 'Tool call records of the organization, newest first.',
    args: {
      ...pageArgs,
      toolId: t.arg.id(),
      gatewayId: t.arg.id(),
      source: t.arg({ type: ExecutionSourceEnum }),
      success: t.arg.boolean(),
      since: t.arg({ type: 'DateTime' }),
      until: t.arg({ type: 'DateTime' }),
    },
    resolve: (_root, args, ctx) =>
      listExecutions(ctx, {
        ...args,
        toolId: args.toolId ? String(args.toolId) : null,
        gatewayId: args.gatewayId ? String(args.gatewayId) : null,
      }),
  }),
  gatewayToolStats: t.field({
    type: GatewayToolStatsRef,
    args: { gatewayId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => ({ stats: await gatewayToolStats(ctx, String(args.gatewayId)) }),
  }),
}));

builder.mutationField('executeTool', (t) =>
  t.field({
    type: ToolExecutionResult,
    description: 'Calls a tool directly; the call is recorded with source direct.',
    args: {
      organizationId: t.arg.id(),
      id: t.arg.id({ required: true }),
      input: t.arg({ type: ExecuteToolInput }),
    },
    resolve: (_root, args, ctx) =>
      executeTool(
        ctx,
        args.organizationId ? String(args.organizationId) : null,
        String(args.id),
        args.input ?? {},
      ),
  }),
);

const ToolExecutedEventRef = builder.objectRef<ToolExecutedEvent>('ToolExecutedEvent').implement({
  description: 'A tool call as it happens.',
  fields: (t) => ({
    organizationId: t.exposeID('organizationId'),
    gatewayId: t.exposeID('gatewayId', { nullable: true }),
    toolId: t.exposeID('toolId'),
    toolName: t.exposeString('toolName'),
    source: t.exposeString('source', { description: 'direct, mcp, a2a, utcp or skills.' }),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true, description: 'The gateway key that made the call.' }),
    userId: t.exposeID('userId', { nullable: true }),
    success: t.exposeBoolean('success'),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
    occurredAt: t.exposeString('occurredAt'),
  }),
});

builder.subscriptionField('toolExecuted', (t) =>
  t.field({
    type: ToolExecutedEventRef,
    description: 'Tool calls in your organizations as they happen, optionally of one gateway.',
    args: { gatewayId: t.arg.id() },
    subscribe: (_root, args, ctx) =>
      subscribeToolExecutions(ctx, args.gatewayId ? String(args.gatewayId) : null),
    resolve: (event) => event,
  }),
);
