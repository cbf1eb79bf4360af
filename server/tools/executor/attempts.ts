import type { CircuitBreakers, CircuitPermit } from './circuit-breaker.ts';
import { ExecutionError } from './execution-error.ts';
import { statusError } from './outcomes.ts';
import type { PreparedRequest } from './request-builder.ts';
import { type RetrySettings, retryDelayFor, sleep } from './retry.ts';
import type { TransportRequest, TransportResponse } from './transport.ts';

/** Everything one execution's attempt loop needs. */
export interface AttemptPlan {
  request: PreparedRequest;
  /** Executor-wide cap on the tool's `retries`. */
  maxRetries: number;
  breakers: CircuitBreakers;
  retry: RetrySettings;
  now: () => number;
  /** Sends one attempt (redirects included) within `timeoutMs`. */
  send: (request: TransportRequest, timeoutMs: number) => Promise<TransportResponse>;
  signal?: AbortSignal | undefined;
}

function circuitOpen(origin: string, permit: Extract<CircuitPermit, { allowed: false }>): ExecutionError {
  const wait =
    permit.retryInMs > 0
      ? `; calls resume in ${Math.ceil(permit.retryInMs / 1000)} s`
      : '; a trial call is in flight';
  return new ExecutionError(
    'CIRCUIT_OPEN',
    `Calls to ${origin} are paused after ${permit.failures} consecutive failures${wait}`,
    { details: { origin, retryInMs: permit.retryInMs } },
  );
}

/**
 * Runs the attempts of one execution: asks the origin's circuit before each, records the health signal of
 * each answer, and retries idempotent requests on network errors, timeouts, 429 and 502/503/504 with
 * backoff (or the upstream's Retry-After), up to min(tool retries, cap).
 * @returns the first response with a status below 400.
 * @throws ExecutionError for the last failure (or CIRCUIT_OPEN when the circuit refused the first attempt);
 *   the abort reason when the signal aborts.
 */
export async function runAttempts(plan: AttemptPlan): Promise<TransportResponse> {
  const { request, breakers } = plan;
  const origin = request.url.origin;
  const retries = request.idempotent ? Math.min(request.retries, plan.maxRetries) : 0;
  const wire: TransportRequest = {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body,
  };
  let lastFailure: ExecutionError | undefined;
  for (let attempt = 0; ; attempt += 1) {
    const permit = breakers.acquire(origin);
    if (!permit.allowed) throw lastFailure ?? circuitOpen(origin, permit);
    let failure: ExecutionError;
    try {
      const response = await plan.send(wire, request.timeoutMs);
      if (response.status >= 500) breakers.failed(origin);
      else breakers.succeeded(origin);
      if (response.status < 400) return response;
      failure = statusError(response, plan.now());
    } catch (error) {
      const unhealthy =
        error instanceof ExecutionError &&
        (error.code === 'UPSTREAM_TIMEOUT' || error.code === 'UPSTREAM_UNREACHABLE');
      if (unhealthy) breakers.failed(origin);
      else breakers.released(origin);
      if (!(error instanceof ExecutionError)) throw error;
      failure = error;
    }
    lastFailure = failure;
    if (attempt >= retries) throw failure;
    const delay = retryDelayFor(failure, attempt, plan.retry);
    if (delay === null) throw failure;
    await sleep(delay, plan.signal);
  }
}
