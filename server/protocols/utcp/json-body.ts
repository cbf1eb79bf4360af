/** Deepest nesting of objects and arrays accepted in a request body. */
export const MAX_JSON_DEPTH = 64;

export type JsonObjectBody = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * The deepest nesting in a JSON text, counted without parsing. Parsing is not recursive, but everything
 * after it (serialising the upstream body, redacting stored payloads) is, so a deep body must be refused
 * before it gets that far rather than end in a stack overflow.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Reads a request body that must be a JSON object. An empty body is `{}`; invalid JSON, anything but an
 * object, or nesting deeper than MAX_JSON_DEPTH is refused with a message saying so. The size is already
 * bounded by the server's body limit.
 */
export async function readJsonObject(request: Request): Promise<JsonObjectBody> {
  const text = await request.text();
  if (text.trim() === '') return { ok: true, value: {} };
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    return { ok: false, message: `body: nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'body: not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, message: `body: must be a JSON object such as {"arguments": {…}}, got ${kind}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
