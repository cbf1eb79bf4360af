import type { AppDeps } from '../context.ts';
import type { ExecutionSource } from '../generated/prisma/enums.ts';
import { callTool, type ToolCallOutcome } from '../services/tool-execution.ts';
import type { AuthDecision, GatewayAuthenticator, GatewayCaller, GatewayScope } from './gateway-auth.ts';
import type { GatewayTool, ServedGateway } from './gateway-registry.ts';

/** Why a gateway request was refused, in protocol-neutral terms each adapter maps to its own form. */
export type Refusal =
  | { kind: 'unauthenticated'; status: 401 | 403; message: string; challenges: string[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'rate_limited'; message: string; retryAfterSeconds: number; headers: Record<string, string> };

export type InvokeResult =
  | { kind: 'done'; tool: GatewayTool; outcome: ToolCallOutcome }
  | { kind: 'not_found'; message: string }
  | Refusal;

const TOOL_WINDOW_MS = 60_000;

/**
 * One request to a gateway: authenticates lazily (discovery documents need no credentials), checks scopes
 * and per-tool policy, and runs calls through the shared executor so every protocol behaves the same.
 */
export class GatewaySession {
  private decision: Promise<AuthDecision> | undefined;

  constructor(
    readonly deps: AppDeps,
    readonly gateway: ServedGateway,
    readonly request: Request,
    readonly clientIp: string,
    private readonly authenticator: GatewayAuthenticator,
  ) {}

  /** The caller, or why they are refused, with `scope` required. */
  async require(
    scope: GatewayScope,
  ): Promise<{ ok: true; caller: GatewayCaller } | { ok: false; refusal: Refusal }> {
    this.decision ??= this.authenticator.authenticate(this.gateway, this.request, this.clientIp);
    const decision = await this.decision;
    if (!decision.ok) return { ok: false, refusal: { kind: 'unauthenticated', ...decision } };
    if (!decision.caller.scopes.has(scope)) {
      return {
        ok: false,
        refusal: { kind: 'forbidden', message: `These credentials lack the '${scope}' scope` },
      };
    }
    return decision;
  }

  /** The tools this caller may see (`tools:read`). */
  async listTools(): Promise<{ ok: true; tools: GatewayTool[] } | { ok: false; refusal: Refusal }> {
    const access = await this.require('tools:read');
    if (!access.ok) return access;
    return { ok: true, tools: this.gateway.tools.filter((tool) => scopeAllowed(tool, access.caller)) };
  }

  /** One tool by name as this caller may see it, or null (`tools:read`). */
  async describeTool(
    name: string,
  ): Promise<{ ok: true; tool: GatewayTool | null } | { ok: false; refusal: Refusal }> {
    const access = await this.require('tools:read');
    if (!access.ok) return access;
    const tool = this.gateway.toolsByName.get(name);
    return { ok: true, tool: tool && scopeAllowed(tool, access.caller) ? tool : null };
  }

  /**
   * Calls a tool of this gateway (`tools:execute`). A tool that is not served here, or that the caller's
   * scopes may not use, is "not found", exactly like a name that exists nowhere.
   */
  async invoke(
    name: string,
    args: unknown,
    source: ExecutionSource,
    signal?: AbortSignal,
  ): Promise<InvokeResult> {
    const access = await this.require('tools:execute');
    if (!access.ok) return access.refusal;
    const tool = this.gateway.toolsByName.get(name);
    if (!tool || !scopeAllowed(tool, access.caller))
      return { kind: 'not_found', message: `Unknown tool: ${name.slice(0, 100)}` };
    if (tool.rateLimit !== null) {
      const decision = await this.deps.limiter.hit(
        `tool:${this.gateway.id}:${tool.toolId}:${access.caller.rateKey}`,
        tool.rateLimit,
        TOOL_WINDOW_MS,
      );
      if (!decision.allowed) {
        return {
          kind: 'rate_limited',
          message: `Rate limit of ${tool.rateLimit} calls per minute reached for ${tool.name}: retry in ${decision.retryAfterSeconds} s`,
          retryAfterSeconds: decision.retryAfterSeconds,
          headers: {
            'retry-after': String(decision.retryAfterSeconds),
            'x-ratelimit-limit': String(decision.limit),
            'x-ratelimit-remaining': String(decision.remaining),
            'x-ratelimit-reset': String(decision.resetAt),
          },
        };
      }
    }
    const outcome = await callTool(this.deps, {
      toolId: tool.toolId,
      organizationId: this.gateway.organizationId,
      arguments: args,
      source,
      gatewayId: this.gateway.id,
      apiKeyId: access.caller.apiKeyId,
      userId: access.caller.userId,
      signal,
    });
    if (!outcome) return { kind: 'not_found', message: `Unknown tool: ${name.slice(0, 100)}` };
    return { kind: 'done', tool, outcome };
  }
}

function scopeAllowed(tool: GatewayTool, caller: GatewayCaller): boolean {
  return tool.allowedScopes.length === 0 || tool.allowedScopes.some((scope) => caller.scopes.has(scope));
}
