import { z } from 'zod';
import { assertCan } from '../auth/policy.ts';
import type { AppDeps, ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { ExecutionSource } from '../generated/prisma/enums.ts';
import type { ExecutionOutcome } from '../tools/executor/index.ts';
import { redactPayload } from './payload-redaction.ts';
import { assertUuid, parseInput } from './validation.ts';

export type ToolCallOutcome =
  | (Extract<ExecutionOutcome, { ok: true }> & { toolId: string; toolName: string })
  | {
      ok: false;
      errorCode: string;
      message: string;
      upstreamStatus?: number;
      durationMs: number;
      details?: unknown;
      toolId: string;
      toolName: string;
    };

export interface ToolCall {
  toolId: string;
  organizationId: string;
  arguments: unknown;
  source: ExecutionSource;
  gatewayId?: string | null;
  apiKeyId?: string | null;
  userId?: string | null;
  signal?: AbortSignal;
}

/**
 * Runs one tool call and leaves exactly one execution record for it, whatever the outcome. Used by the
 * direct execute route and by every protocol. Returns null when the tool does not exist in the
 * organization (nothing is recorded then: there is no tool to attribute it to).
 */
export async function callTool(deps: AppDeps, call: ToolCall): Promise<ToolCallOutcome | null> {
  const tool = await deps.toolRuntime.load(call.toolId, call.organizationId);
  if (!tool) return null;
  const started = Date.now();
  let outcome: ToolCallOutcome;
  if (tool.status === 'inactive' || tool.status === 'error') {
    outcome = {
      ok: false,
      errorCode: 'TOOL_UNAVAILABLE',
      message: `Tool '${tool.name}' is ${tool.status}; set its status to active to call it`,
      durationMs: 0,
      toolId: call.toolId,
      toolName: tool.name,
    };
  } else {
    try {
      const result = await deps.executor.execute({
        tool: tool.executable,
        arguments: call.arguments,
        credentials: tool.credentials,
        signal: call.signal,
      });
      outcome = { ...result, toolId: call.toolId, toolName: tool.name };
    } catch (error) {
      outcome = {
        ok: false,
        errorCode: 'CANCELLED',
        message: call.signal?.aborted ? 'The call was cancelled' : 'The call could not be completed',
        durationMs: Date.now() - started,
        toolId: call.toolId,
        toolName: tool.name,
      };
      if (!call.signal?.aborted) console.error('Tool execution failed unexpectedly:', error);
    }
  }
  const durationMs = Math.round(outcome.durationMs);
  deps.bus.publish('toolExecuted', {
    organizationId: call.organizationId,
    gatewayId: call.gatewayId ?? null,
    toolId: call.toolId,
    toolName: tool.name,
    source: call.source,
    apiKeyId: call.apiKeyId ?? null,
    userId: call.userId ?? null,
    success: outcome.ok,
    errorCode: outcome.ok ? null : outcome.errorCode,
    durationMs,
    occurredAt: new Date().toISOString(),
  });
  deps.executions.record({
    organizationId: call.organizationId,
    toolId: call.toolId,
    toolName: tool.name,
    gatewayId: call.gatewayId ?? null,
    apiKeyId: call.apiKeyId ?? null,
    userId: call.userId ?? null,
    source: call.source,
    success: outcome.ok,
    errorCode: outcome.ok ? null : outcome.errorCode,
    upstreamStatus: outcome.upstreamStatus ?? null,
    durationMs,
    ...(tool.storePayloads
      ? {
          arguments: redactPayload(call.arguments),
          result: redactPayload(outcome.ok ? outcome.result : (outcome.details ?? null)),
        }
      : {}),
    createdAt: new Date(),
  });
  return outcome;
}

const executeInput = z.object({ parameters: z.unknown().optional() });

/**
 * Calls a tool directly as the signed-in user (source `direct`).
 * @throws NOT_FOUND for a tool outside the organization; FORBIDDEN for viewers.
 */
export async function executeTool(
  ctx: ServiceContext,
  organizationId: string | null,
  toolId: string,
  input: unknown,
): Promise<ToolCallOutcome> {
  const scope = assertCan(
    ctx.viewer,
    'tool:execute',
    organizationId ? assertUuid('organizationId', organizationId) : undefined,
  );
  const { parameters } = parseInput(executeInput, input ?? {});
  const outcome = await callTool(ctx.deps, {
    toolId: assertUuid('id', toolId),
    organizationId: scope.organizationId,
    arguments: parameters ?? {},
    source: 'direct',
    userId: scope.userId,
  });
  if (!outcome) throw notFound('Tool');
  return outcome;
}
