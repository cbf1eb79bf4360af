import { type LookupFunction, systemLookup } from '../ssrf/dns.ts';
import type { ToolExecutorOptions } from './types.ts';

/** Executor options with every default filled in. */
export interface ResolvedExecutorOptions {
  allowedUpstreams: readonly string[];
  maxResponseBytes: number;
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  failureThreshold: number;
  cooldownMs: number;
  maxTrackedOrigins: number;
  validatorCacheSize: number;
  keepAliveTimeoutMs: number;
  maxConnectionsPerOrigin: number;
  userAgent: string;
  lookup: LookupFunction;
  now: () => number;
}

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < min) {
    throw new RangeError(`Tool executor option ${name} must be an integer >= ${min}, got ${resolved}`);
  }
  return resolved;
}

/**
 * Fills in defaults and checks every numeric option.
 * @throws RangeError naming an option that is not an integer in range.
 */
export function resolveExecutorOptions(options: ToolExecutorOptions): ResolvedExecutorOptions {
  const breaker = options.circuitBreaker ?? {};
  const defaultTimeoutMs = integer('defaultTimeoutMs', options.defaultTimeoutMs, 30_000, 1);
  return {
    allowedUpstreams: options.allowedUpstreams ?? [],
    maxResponseBytes: integer('maxResponseBytes', options.maxResponseBytes, 5 * 1024 * 1024, 1),
    defaultTimeoutMs,
    maxTimeoutMs: integer('maxTimeoutMs', options.maxTimeoutMs, Math.max(120_000, defaultTimeoutMs), 1),
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs, 5_000, 1),
    maxRedirects: integer('maxRedirects', options.maxRedirects, 5, 0),
    maxRetries: integer('maxRetries', options.maxRetries, 3, 0),
    retryBaseDelayMs: integer('retryBaseDelayMs', options.retryBaseDelayMs, 200, 0),
    retryMaxDelayMs: integer('retryMaxDelayMs', options.retryMaxDelayMs, 5_000, 0),
    maxRetryAfterMs: integer('maxRetryAfterMs', options.maxRetryAfterMs, 10_000, 0),
    failureThreshold: integer('circuitBreaker.failureThreshold', breaker.failureThreshold, 5, 0),
    cooldownMs: integer('circuitBreaker.cooldownMs', breaker.cooldownMs, 30_000, 0),
    maxTrackedOrigins: integer('circuitBreaker.maxTrackedOrigins', breaker.maxTrackedOrigins, 10_000, 1),
    validatorCacheSize: integer('validatorCacheSize', options.validatorCacheSize, 1_000, 1),
    keepAliveTimeoutMs: integer('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 10_000, 1),
    maxConnectionsPerOrigin: integer('maxConnectionsPerOrigin', options.maxConnectionsPerOrigin, 64, 1),
    userAgent: options.userAgent ?? 'Toolgate',
    lookup: options.lookup ?? systemLookup,
    now: options.now ?? Date.now,
  };
}
