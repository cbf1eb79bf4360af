import { STATUS_CODES } from 'node:http';
import { ExecutionError } from './execution-error.ts';
import type { Redactor } from './redaction.ts';
import { decodeText, isTextualMediaType, parseContentType } from './response-body.ts';
import { parseRetryAfter } from './retry.ts';
import type { TransportResponse } from './transport.ts';
import type { ExecutionOutcome } from './types.ts';

/** Longest excerpt of an upstream error body placed in `details`, in characters. */
export const BODY_EXCERPT_CHARS = 2048;

const BINARY_NOTE = '(binary body omitted)';

/**
 * The failure for an upstream status of 400 or more, carrying the response for a later excerpt and the
 * Retry-After wait when the upstream sent one.
 */
export function statusError(response: TransportResponse, now: number): ExecutionError {
  const reason = STATUS_CODES[response.status];
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
  return new ExecutionError(
    'UPSTREAM_ERROR',
    `Upstream responded with HTTP ${response.status}${reason ? ` ${reason}` : ''}`,
    {
      upstreamStatus: response.status,
      upstreamBody: response,
      ...(retryAfterMs === null ? {} : { retryAfterMs }),
    },
  );
}

function bodyExcerpt(response: TransportResponse, redactor: Redactor): Record<string, unknown> {
  const { mediaType, charset } = parseContentType(response.headers['content-type']);
  const contentType = mediaType || undefined;
  if (!isTextualMediaType(mediaType))
    return { contentType, body: BINARY_NOTE, bodyTruncated: response.truncated };
  const excerpt = redactor.excerpt(decodeText(response.body, charset), BODY_EXCERPT_CHARS);
  return { contentType, body: excerpt.text, bodyTruncated: excerpt.truncated || response.truncated };
}

/**
 * Converts an execution failure into an outcome. The message and details pass through the redactor, and
 * an upstream body becomes a scrubbed excerpt of at most BODY_EXCERPT_CHARS characters.
 */
export function failureOutcome(
  error: ExecutionError,
  redactor: Redactor,
  durationMs: number,
): ExecutionOutcome {
  const { upstreamStatus, upstreamBody } = error.extra;
  let details = error.extra.details;
  if (upstreamBody) {
    const base = details && typeof details === 'object' && !Array.isArray(details) ? details : {};
    details = { ...base, ...bodyExcerpt(upstreamBody, redactor) };
  }
  return {
    ok: false,
    errorCode: error.code,
    message: redactor.text(error.message),
    ...(upstreamStatus === undefined ? {} : { upstreamStatus }),
    durationMs,
    ...(details === undefined ? {} : { details: redactor.value(details) }),
  };
}
