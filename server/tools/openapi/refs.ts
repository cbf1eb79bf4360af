import { ApiImportError } from './api-import-error.ts';
import { MAX_REF_DEPTH } from './limits.ts';
import type { ApiDocument } from './types.ts';

/** A plain JSON object (not an array). */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Splits an internal reference (`#/components/schemas/Pet`) into unescaped pointer segments.
 * @throws ApiImportError for references to other files or URLs, and for fragments that are not JSON pointers.
 */
export function refSegments(ref: string, where: string): string[] {
  if (!ref.startsWith('#')) {
    throw new ApiImportError(
      `${where}: the $ref "${ref}" points outside the document; only references inside it ("#/...") are supported. Bundle the document into one file first (for example with \`npx @redocly/cli bundle\`).`,
    );
  }
  const fragment = ref.slice(1);
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) {
    throw new ApiImportError(
      `${where}: the $ref "${ref}" names an anchor; only JSON pointer references such as "#/components/schemas/Pet" are supported.`,
    );
  }
  return fragment
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new ApiImportError(`${where}: the $ref "${ref}" contains an invalid percent-escape.`);
      }
      return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/** Writes pointer segments back as an internal reference, `#/a/b~1c`. */
export function segmentsToRef(segments: readonly string[]): string {
  return `#${segments.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;
}

/** The value at pointer segments, reading own properties only (so `__proto__` cannot reach prototypes). */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isObject(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Follows `$ref`s from `value` until reaching something that is not a reference object, and returns it
 * together with the pointer it was found at (undefined when `value` itself was no reference).
 * @throws ApiImportError for external or dangling references, cycles and chains longer than `MAX_REF_DEPTH`.
 */
export function followRefs(
  doc: ApiDocument,
  value: unknown,
  where: string,
): { value: unknown; segments?: string[] } {
  let current = value;
  let segments: string[] | undefined;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref)) {
      throw new ApiImportError(
        `${where}: the $ref "${ref}" leads back to itself; make one of the references point to a real definition.`,
      );
    }
    seen.add(ref);
    if (seen.size > MAX_REF_DEPTH) {
      throw new ApiImportError(
        `${where}: more than ${MAX_REF_DEPTH} $refs are chained from "${ref}"; point references at their final target.`,
      );
    }
    segments = refSegments(ref, where);
    current = valueAt(doc.root, segments);
    if (current === undefined) {
      throw new ApiImportError(
        `${where}: the $ref "${ref}" does not point to anything in the document; fix the reference or add the missing definition.`,
      );
    }
  }
  return segments === undefined ? { value: current } : { value: current, segments };
}

/**
 * Like `followRefs`, but returns only the target and accepts only objects.
 * @throws ApiImportError as `followRefs`, and when the target is not an object.
 */
export function resolveObject(doc: ApiDocument, value: unknown, where: string): JsonObject {
  const resolved = followRefs(doc, value, where).value;
  if (!isObject(resolved))
    throw new ApiImportError(`${where}: expected an object, found ${describe(resolved)}.`);
  return resolved;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text "${value.slice(0, 40)}"` : `a ${typeof value}`;
}
