import type { Prisma } from '../generated/prisma/client.ts';

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private/i;
const MAX_STORED_CHARS = 64 * 1024;

/**
 * A copy of a tool call's arguments or result fit for storage: values under secret-looking keys are
 * replaced, and oversized payloads are cut to a marker.
 */
export function redactPayload(value: unknown): Prisma.InputJsonValue {
  const redacted = redact(value, 0);
  const text = JSON.stringify(redacted) ?? 'null';
  if (text.length > MAX_STORED_CHARS) return { truncated: true, bytes: text.length };
  return redacted as Prisma.InputJsonValue;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 32) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1),
      ]),
    );
  }
  return value ?? null;
}
