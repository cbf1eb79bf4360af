import { createHash } from 'node:crypto';
import type { ImportedOperation } from './types.ts';

/** Tool names must match `^[a-zA-Z0-9_-]{1,64}$` (the limit MCP clients and model APIs share). */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * A tool name for an operation: its `operationId`, else method and path (`get_pets_petId`), with the
 * prefix in front, characters outside `[a-zA-Z0-9_-]` replaced by `_`. Names longer than 64 characters are
 * cut and end in `_` plus 8 hex digits of a hash of the operation key. A name already in `taken` gets that
 * hash suffix too, then `_2`, `_3`, ... after it, so the result is deterministic and never in `taken`.
 * `taken` is not modified; the caller adds the returned name.
 */
export function toolNameFor(
  operation: ImportedOperation,
  options: { prefix?: string; taken: Set<string> },
): string {
  const base =
    sanitize(operation.operationId ?? '') ||
    sanitize(`${operation.method.toLowerCase()}_${operation.path}`) ||
    'tool';
  const prefix = sanitize(options.prefix ?? '');
  const name = prefix === '' ? base : `${prefix}${prefix.endsWith('-') ? '' : '_'}${base}`;
  const hash = createHash('sha256').update(operation.key).digest('hex').slice(0, 8);
  let candidate = name.length <= MAX_TOOL_NAME_LENGTH ? name : withSuffix(name, `_${hash}`);
  // Every suffix below ends in a different number, so each attempt is a new name and the loop ends.
  for (let attempt = 1; options.taken.has(candidate); attempt += 1) {
    candidate = withSuffix(name, attempt === 1 ? `_${hash}` : `_${hash}_${attempt}`);
  }
  return candidate;
}

function sanitize(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[_-]+|_+$/g, '');
}

function withSuffix(name: string, suffix: string): string {
  const stem = name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length).replace(/[_-]+$/, '');
  return `${stem}${suffix}`;
}
