import type { ExecutionError } from './execution-error.ts';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Settings that shape the retry schedule. */
export interface RetrySettings {
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After ends the retries rather than being shortened. */
  maxRetryAfterMs: number;
}

/**
 * Parses a Retry-After header (delay in seconds or an HTTP date).
 * @returns the wait in ms (never negative), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Backoff before retry number `retry` (0-based): exponential from `baseDelayMs`, capped at `maxDelayMs`,
 * with jitter over the upper half so synchronized callers spread out without retrying immediately.
 */
export function backoffDelayMs(
  retry: number,
  settings: RetrySettings,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Decides whether a failed attempt is worth repeating and after how long. Network failures, timeouts and
 * 502/503/504/429 qualify; a Retry-After beyond the cap means the upstream asked for more patience than
 * the caller has, so the failure is returned instead.
 * @returns the delay in ms before the next attempt, or null for no retry.
 */
export function retryDelayFor(error: ExecutionError, retry: number, settings: RetrySettings): number | null {
  if (error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_UNREACHABLE')
    return backoffDelayMs(retry, settings);
  const status = error.extra.upstreamStatus;
  if (error.code !== 'UPSTREAM_ERROR' || status === undefined || !RETRYABLE_STATUS.has(status)) return null;
  const requested = error.extra.retryAfterMs;
  if (requested !== undefined) return requested <= settings.maxRetryAfterMs ? requested : null;
  return backoffDelayMs(retry, settings);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 * @throws the abort reason of `signal`.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
