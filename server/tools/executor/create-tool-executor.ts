import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { createGuardedConnector } from '../ssrf/guarded-connector.ts';
import { createSsrfPolicy } from '../ssrf/policy.ts';
import type { GraphqlExecutionConfig, HttpExecutionConfig } from '../types.ts';
import { formatArgumentProblems } from './argument-validator.ts';
import { runAttempts } from './attempts.ts';
import { CircuitBreakers } from './circuit-breaker.ts';
import { CompiledTools } from './compiled-tools.ts';
import { type AppliedCredentials, applyCredentials } from './credentials.ts';
import { ExecutionError } from './execution-error.ts';
import { graphqlData } from './graphql-response.ts';
import { OAuth2Tokens } from './oauth2-tokens.ts';
import { resolveExecutorOptions } from './options.ts';
import { failureOutcome } from './outcomes.ts';
import { createRedactor, credentialSecrets } from './redaction.ts';
import { buildGraphqlRequest, buildHttpRequest, type PreparedRequest } from './request-builder.ts';
import { parseResponseBody } from './response-body.ts';
import { sendRequest, type TransportOptions } from './transport.ts';
import type { ExecuteRequest, ExecutionOutcome, ToolExecutor, ToolExecutorOptions } from './types.ts';

/** Error bodies are only read this far: enough for an excerpt, and the connection can still be reused. */
const ERROR_BODY_BYTES = 64 * 1024;
const TOKEN_RESPONSE_BYTES = 64 * 1024;
const TOKEN_TIMEOUT_MS = 30_000;
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization']);

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/**
 * Creates the tool executor: argument validation with cached validators, request rendering, credential
 * injection, an SSRF-guarded keep-alive connection pool, redirects, retries, per-origin circuit breakers,
 * timeouts and response size limits.
 * @throws RangeError for out-of-range numeric options; Error for an invalid `allowedUpstreams` entry.
 */
export function createToolExecutor(options: ToolExecutorOptions = {}): ToolExecutor {
  const settings = resolveExecutorOptions(options);
  const policy = createSsrfPolicy(settings.allowedUpstreams);
  const agent = new Agent({
    connect: createGuardedConnector({
      policy,
      lookup: settings.lookup,
      connectTimeoutMs: settings.connectTimeoutMs,
    }),
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connections: settings.maxConnectionsPerOrigin,
    // Each attempt has its own total deadline; undici's inactivity timers would only duplicate it.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const compiledTools = new CompiledTools(settings.validatorCacheSize);
  const breakers = new CircuitBreakers({
    failureThreshold: settings.failureThreshold,
    cooldownMs: settings.cooldownMs,
    maxTrackedOrigins: settings.maxTrackedOrigins,
    now: settings.now,
  });
  const retry = {
    baseDelayMs: settings.retryBaseDelayMs,
    maxDelayMs: settings.retryMaxDelayMs,
    maxRetryAfterMs: settings.maxRetryAfterMs,
  };
  const transport = (
    timeoutMs: number,
    maxBytes: number,
    sensitiveHeaders: ReadonlySet<string>,
    signal?: AbortSignal,
  ): TransportOptions => ({
    dispatcher: agent,
    policy,
    timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    maxBytes,
    errorBodyBytes: ERROR_BODY_BYTES,
    maxRedirects: settings.maxRedirects,
    sensitiveHeaders,
    signal,
  });
  const tokens = new OAuth2Tokens(
    (request) =>
      sendRequest(
        request,
        transport(
          Math.min(settings.defaultTimeoutMs, TOKEN_TIMEOUT_MS),
          TOKEN_RESPONSE_BYTES,
          CREDENTIAL_HEADERS,
        ),
      ),
    settings.now,
  );
  const buildSettings = {
    defaultTimeoutMs: settings.defaultTimeoutMs,
    maxTimeoutMs: settings.maxTimeoutMs,
    userAgent: settings.userAgent,
  };
  let closed = false;

  function prepare(request: ExecuteRequest): PreparedRequest {
    const { tool } = request;
    const compiled = compiledTools.get(tool);
    if (!compiled.ok)
      throw new ExecutionError('INVALID_CONFIGURATION', `Tool '${tool.id}': ${compiled.message}`);
    // A tool without parameters is commonly called with no arguments at all.
    const args = request.arguments === undefined ? {} : request.arguments;
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      const kind = args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args;
      throw new ExecutionError('INVALID_ARGUMENTS', `arguments must be a JSON object, got ${kind}`);
    }
    const problems = compiled.compiled.validate(args);
    if (problems) {
      throw new ExecutionError('INVALID_ARGUMENTS', formatArgumentProblems(problems), {
        details: { problems },
      });
    }
    if (!tool.executionConfig || typeof tool.executionConfig !== 'object') {
      throw new ExecutionError('INVALID_CONFIGURATION', `Tool '${tool.id}' has no execution config`);
    }
    if (tool.type === 'graphql') {
      return buildGraphqlRequest(
        tool.executionConfig as GraphqlExecutionConfig,
        args,
        compiled.compiled.readOnly,
        buildSettings,
      );
    }
    if (tool.type === 'http')
      return buildHttpRequest(tool.executionConfig as HttpExecutionConfig, args, buildSettings);
    throw new ExecutionError('INVALID_CONFIGURATION', `tool type '${String(tool.type)}' is not executable`);
  }

  async function run(
    request: ExecuteRequest,
    applied: { value?: AppliedCredentials },
  ): Promise<{ result: unknown; status: number }> {
    const prepared = prepare(request);
    // Refuse literal non-public hosts and metadata names before anything else (token fetches included).
    try {
      policy.assertUrlAllowed(prepared.url);
    } catch (error) {
      throw new ExecutionError('DESTINATION_BLOCKED', (error as Error).message);
    }
    applied.value = await applyCredentials(prepared, request.credentials, tokens, request.signal);
    const sensitive = applied.value.sensitiveHeaders;
    try {
      const response = await runAttempts({
        request: prepared,
        maxRetries: settings.maxRetries,
        breakers,
        retry,
        now: settings.now,
        send: (wire, timeoutMs) =>
          sendRequest(wire, transport(timeoutMs, settings.maxResponseBytes, sensitive, request.signal)),
        signal: request.signal,
      });
      const result =
        request.tool.type === 'graphql'
          ? graphqlData(response)
          : parseResponseBody(response.body, response.headers['content-type']);
      return { result, status: response.status };
    } catch (error) {
      if (error instanceof ExecutionError && error.extra.upstreamStatus === 401) {
        for (const { credential, token } of applied.value.oauthTokens) tokens.invalidate(credential, token);
      }
      throw error;
    }
  }

  return {
    async execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
      if (closed) throw new Error('Tool executor is closed');
      request.signal?.throwIfAborted();
      const started = performance.now();
      const applied: { value?: AppliedCredentials } = {};
      try {
        const { result, status } = await run(request, applied);
        return { ok: true, result, upstreamStatus: status, durationMs: elapsed(started) };
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (!(error instanceof ExecutionError)) throw error;
        const secrets = [
          ...credentialSecrets(request.credentials),
          ...(applied.value?.obtainedSecrets ?? []),
        ];
        return failureOutcome(error, createRedactor(secrets), elapsed(started));
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}
