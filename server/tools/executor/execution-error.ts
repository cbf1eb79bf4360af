import type { TransportResponse } from './transport.ts';
import type { ExecutionErrorCode } from './types.ts';

/** Extra facts carried by an execution failure. */
export interface ExecutionErrorExtra {
  upstreamStatus?: number;
  details?: unknown;
  /** The upstream's error response; outcomes show a scrubbed, truncated excerpt of its body. */
  upstreamBody?: TransportResponse;
  /** Server-requested wait before a retry (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/**
 * An expected failure on the way to (or back from) the upstream. Internal: the executor turns it into an
 * `ExecutionOutcome` after scrubbing credentials from the message and details.
 */
export class ExecutionError extends Error {
  override readonly name = 'ExecutionError';

  constructor(
    readonly code: ExecutionErrorCode,
    message: string,
    readonly extra: ExecutionErrorExtra = {},
  ) {
    super(message);
  }
}
