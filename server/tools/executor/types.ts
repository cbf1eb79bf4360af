import type { LookupFunction } from '../ssrf/dns.ts';
import type {
  GraphqlExecutionConfig,
  HttpExecutionConfig,
  JsonSchema,
  UpstreamCredential,
} from '../types.ts';

/** A tool definition as far as execution is concerned. */
export interface ExecutableTool {
  id: string;
  /** Changes whenever the definition changes (e.g. updatedAt as ISO text); with `id` it keys the caches. */
  version: string;
  type: 'http' | 'graphql';
  /** JSON Schema of the arguments object; may use $defs and recursive $ref. */
  parameters: JsonSchema;
  executionConfig: HttpExecutionConfig | GraphqlExecutionConfig;
}

export type ExecutionErrorCode =
  | 'INVALID_ARGUMENTS'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNREACHABLE'
  | 'RESPONSE_TOO_LARGE'
  | 'DESTINATION_BLOCKED'
  | 'CIRCUIT_OPEN'
  | 'GRAPHQL_ERRORS'
  | 'INVALID_CONFIGURATION';

export type ExecutionOutcome =
  | { ok: true; result: unknown; upstreamStatus: number; durationMs: number }
  | {
      ok: false;
      errorCode: ExecutionErrorCode;
      message: string;
      upstreamStatus?: number;
      durationMs: number;
      details?: unknown;
    };

export interface ExecuteRequest {
  tool: ExecutableTool;
  arguments: unknown;
  /** Decrypted upstream credentials, injected in order. Never echoed in outcomes. */
  credentials?: UpstreamCredential[];
  /** Cancels the execution; `execute` then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface ToolExecutor {
  /**
   * Validates the arguments, calls the upstream and describes the result. Every argument, policy and
   * upstream problem resolves as an `ok: false` outcome.
   * @throws the signal's reason when `request.signal` aborts, or Error when the executor was closed.
   */
  execute(request: ExecuteRequest): Promise<ExecutionOutcome>;
  /** Refuses new executions and closes the pooled connections once in-flight requests have finished. */
  close(): Promise<void>;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures (network errors, timeouts, 5xx) that open an origin's circuit; 0 disables. Default 5. */
  failureThreshold?: number;
  /** Time an open circuit rejects calls before one trial call is let through, in ms. Default 30 000. */
  cooldownMs?: number;
  /** Origins whose state is remembered (least recently used are forgotten). Default 10 000. */
  maxTrackedOrigins?: number;
}

export interface ToolExecutorOptions {
  /**
   * Operator exceptions to the SSRF policy: CIDRs (`10.0.0.0/8`, `::1/128`), IP addresses and exact
   * hostnames; see `parseAllowedUpstreams` for the `ALLOWED_UPSTREAM_HOSTS` form. Default: none.
   */
  allowedUpstreams?: readonly string[];
  /** Largest response body accepted (after decompression), in bytes. Default 5 MiB. */
  maxResponseBytes?: number;
  /** Total time per attempt when a tool sets no `timeout`, in ms. Default 30 000. */
  defaultTimeoutMs?: number;
  /** Upper bound for a tool's own `timeout`, in ms. Default 120 000. */
  maxTimeoutMs?: number;
  /** DNS plus TCP/TLS handshake limit, in ms. Default 5 000. */
  connectTimeoutMs?: number;
  /** Redirects followed per attempt. Default 5. */
  maxRedirects?: number;
  /** Cap on a tool's `retries`. Default 3. */
  maxRetries?: number;
  /** First retry backoff, doubled per retry, with jitter, in ms. Default 200. */
  retryBaseDelayMs?: number;
  /** Longest backoff between retries, in ms. Default 5 000. */
  retryMaxDelayMs?: number;
  /** Longest Retry-After honoured; a longer one ends the retries, in ms. Default 10 000. */
  maxRetryAfterMs?: number;
  circuitBreaker?: CircuitBreakerOptions;
  /** Compiled argument validators kept (one per tool id and version). Default 1 000. */
  validatorCacheSize?: number;
  /** Idle time before a pooled upstream connection is closed, in ms. Default 10 000. */
  keepAliveTimeoutMs?: number;
  /** Concurrent connections per upstream origin. Default 64. */
  maxConnectionsPerOrigin?: number;
  /** Sent when a tool does not set its own User-Agent. Default `Toolgate`. */
  userAgent?: string;
  /** DNS resolver; defaults to `dns.lookup` with `all: true`. */
  lookup?: LookupFunction;
  /** Clock for circuit cooldowns and OAuth2 token expiry, in ms. Default `Date.now`. */
  now?: () => number;
}
