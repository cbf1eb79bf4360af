import { findDestinationBlocked } from '../ssrf/errors.ts';
import { ExecutionError } from './execution-error.ts';
import { ResponseTooLargeError } from './response-body.ts';

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'temporary DNS failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_DESTROYED: 'connection destroyed',
};

/** The `code`s along an error's cause chain (HTTP clients wrap system errors). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** What the transport knew when a request failed. */
export interface FailureContext {
  target: string;
  timedOut: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * Maps a failed request to an ExecutionError: SSRF refusals, total and connect timeouts, oversized
 * bodies, undecodable compression and network failures. Messages carry the target (origin and path)
 * and the failure, never request headers.
 */
export function classifyTransportError(error: unknown, context: FailureContext): ExecutionError {
  if (error instanceof ExecutionError) return error;
  const blocked = findDestinationBlocked(error);
  if (blocked) return new ExecutionError('DESTINATION_BLOCKED', blocked.message);
  if (context.timedOut) {
    return new ExecutionError(
      'UPSTREAM_TIMEOUT',
      `${context.target} did not complete within ${context.timeoutMs} ms`,
    );
  }
  if (error instanceof ResponseTooLargeError) return new ExecutionError('RESPONSE_TOO_LARGE', error.message);
  const codes = errorCodes(error);
  if (codes.includes('UND_ERR_INVALID_ARG')) {
    // The request could not be formed; nothing reached the upstream, so this says nothing about its health.
    const reason = error instanceof Error ? `: ${error.message}` : '';
    return new ExecutionError(
      'INVALID_CONFIGURATION',
      `Request to ${context.target} could not be sent${reason}`,
    );
  }
  if (codes.includes('UND_ERR_CONNECT_TIMEOUT')) {
    return new ExecutionError(
      'UPSTREAM_UNREACHABLE',
      `Could not connect to ${context.target} within ${context.connectTimeoutMs} ms`,
    );
  }
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT') || codes.includes('UND_ERR_BODY_TIMEOUT')) {
    return new ExecutionError('UPSTREAM_TIMEOUT', `${context.target} stopped responding`);
  }
  if (codes.some((code) => code.startsWith('Z_') || code.startsWith('ERR__ERROR'))) {
    return new ExecutionError(
      'UPSTREAM_ERROR',
      `${context.target} sent a body that could not be decompressed`,
    );
  }
  const known = codes.find((code) => NETWORK_WORDS[code]);
  if (known) {
    return new ExecutionError(
      'UPSTREAM_UNREACHABLE',
      `Could not reach ${context.target}: ${NETWORK_WORDS[known]} (${known})`,
    );
  }
  const reason = error instanceof Error && error.message ? `: ${error.message}` : '';
  return new ExecutionError('UPSTREAM_UNREACHABLE', `Request to ${context.target} failed${reason}`);
}
