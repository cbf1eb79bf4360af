import { ExecutionError } from './execution-error.ts';
import { ABSENT, renderScalarTemplate, stringifyArgument } from './templates.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Anything but tab, visible ASCII and Latin-1: CR/LF/NUL would inject headers, wider characters cannot be sent. */
const FORBIDDEN_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Headers the HTTP client derives from the connection and body. A configured copy could desynchronize
 * framing (request smuggling) or contradict the URL the SSRF policy checked, so they are dropped.
 */
const MANAGED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);

/**
 * Checks a header name and value before they reach the wire.
 * @throws ExecutionError INVALID_CONFIGURATION for a bad name or a fixed bad value, INVALID_ARGUMENTS when
 *   an argument put CR, LF, NUL (header injection) or characters beyond Latin-1 into the value.
 */
export function assertValidHeader(name: string, value: string, fromArguments: boolean): void {
  if (!TOKEN.test(name)) {
    throw new ExecutionError('INVALID_CONFIGURATION', `header name '${name}' is not a valid HTTP token`);
  }
  if (FORBIDDEN_VALUE.test(value)) {
    throw fromArguments
      ? new ExecutionError(
          'INVALID_ARGUMENTS',
          `the arguments put control characters or characters outside Latin-1 into header '${name}'`,
        )
      : new ExecutionError(
          'INVALID_CONFIGURATION',
          `header '${name}' contains control characters or characters outside Latin-1`,
        );
  }
}

/**
 * Renders configured header templates into lower-cased names. A lone template of an absent (or null)
 * argument omits the header; arrays are comma-joined. Managed framing headers are dropped.
 * @throws ExecutionError when a name or value is invalid (see assertValidHeader).
 */
export function renderHeaders(templates: unknown, args: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (templates === undefined || templates === null) return headers;
  if (typeof templates !== 'object' || Array.isArray(templates)) {
    throw new ExecutionError('INVALID_CONFIGURATION', 'headers must be an object of strings');
  }
  for (const [rawName, template] of Object.entries(templates)) {
    if (typeof template !== 'string') {
      throw new ExecutionError('INVALID_CONFIGURATION', `header '${rawName}' must be a string template`);
    }
    const name = rawName.toLowerCase();
    if (MANAGED_HEADERS.has(name)) continue;
    const rendered = renderScalarTemplate(template, args);
    if (rendered === ABSENT) continue;
    const value = Array.isArray(rendered)
      ? rendered.map(stringifyArgument).join(', ')
      : stringifyArgument(rendered);
    assertValidHeader(name, value, template.includes('{{'));
    headers[name] = value;
  }
  return headers;
}
