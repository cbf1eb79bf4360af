import type { JsonSchema } from '../types.ts';
import { ApiImportError } from './api-import-error.ts';
import { jsonCopy } from './json-copy.ts';
import { MAX_NESTING_DEPTH } from './limits.ts';
import { isObject } from './refs.ts';

/** What schema conversion needs from its surroundings. */
export interface ConvertContext {
  /** Registers the target of a `$ref` and returns its name under `$defs`. */
  defName(ref: string): string;
  /** The `$defs` entry being converted, so `$recursiveRef`/`$dynamicRef` to its root can become a `$ref`. */
  self?: { name: string; recursiveAnchor: boolean; dynamicAnchor?: string };
  /** Where the schema is, for error messages. */
  where: string;
}

const SIMPLE_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const SCHEMA_MAPS = new Set(['properties', 'dependentSchemas', '$defs', 'definitions']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SINGLE_SCHEMAS = new Set([
  'additionalProperties',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
const NUMBERS = new Set(['maximum', 'minimum']);
const COUNTS = new Set([
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'maxContains',
  'minContains',
]);
const STRINGS = new Set([
  'title',
  'description',
  'format',
  'contentMediaType',
  'contentEncoding',
  '$comment',
]);
const BOOLEANS = new Set(['uniqueItems', 'readOnly', 'writeOnly', 'deprecated']);
/**
 * Dropped: identifiers that would re-base our `#/$defs/...` references, OpenAPI annotations whose content
 * points into the original document (`discriminator.mapping`), and keywords converted below.
 */
const DROPPED = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$recursiveAnchor',
  '$recursiveRef',
  '$dynamicRef',
  'discriminator',
  'xml',
  'externalDocs',
  'nullable',
  'x-nullable',
  'example',
  'prefixItems',
  'items',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'pattern',
]);
/** Annotations that stay on the outside when a nullable schema is wrapped in `anyOf`. */
const OUTER_ANNOTATIONS = [
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
];

/**
 * Converts one OpenAPI 3.0/3.1 or Swagger 2.0 schema into JSON Schema that Ajv's default (draft-07) class
 * compiles: `nullable`/`x-nullable` become `null` in `type` or an `anyOf`, boolean `exclusiveMinimum` and
 * `exclusiveMaximum` become numbers, Swagger's `type: file` becomes a binary string, `prefixItems` becomes
 * the array form of `items`, `example` becomes `examples`, and `$ref`s are rewritten to `#/$defs/<name>`
 * through `ctx.defName`. Keywords whose values are malformed (and would make Ajv reject the whole schema)
 * are dropped, as are `x-` extensions and `$id`/`$schema`.
 * @throws ApiImportError from `ctx.defName` for unusable references, or when nesting exceeds the limit.
 */
export function convertSchema(node: unknown, ctx: ConvertContext, depth = 0): JsonSchema | boolean {
  if (typeof node === 'boolean') return node;
  if (!isObject(node)) return {};
  if (depth > MAX_NESTING_DEPTH) {
    throw new ApiImportError(`${ctx.where}: the schema nests more than ${MAX_NESTING_DEPTH} levels deep.`);
  }
  const sub = (value: unknown) => convertSchema(value, ctx, depth + 1);
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') {
      if (typeof value === 'string') entries.push(['$ref', `#/$defs/${ctx.defName(value)}`]);
    } else if (key === 'patternProperties') {
      if (isObject(value)) entries.push([key, mapValues(filterKeys(value, isValidPattern), sub)]);
    } else if (SCHEMA_MAPS.has(key)) {
      if (isObject(value)) entries.push([key, mapValues(value, sub)]);
    } else if (SCHEMA_LISTS.has(key)) {
      if (Array.isArray(value) && value.length > 0) entries.push([key, value.map(sub)]);
    } else if (SINGLE_SCHEMAS.has(key)) {
      entries.push([key, sub(value)]);
    } else if (key === 'type') {
      const type = convertType(value);
      if (type !== undefined) entries.push(['type', type]);
    } else if (key === 'required') {
      if (Array.isArray(value))
        entries.push(['required', unique(value.filter((name) => typeof name === 'string'))]);
    } else if (key === 'enum') {
      if (Array.isArray(value)) entries.push(['enum', jsonCopy(value)]);
    } else if (key === 'examples') {
      if (Array.isArray(value)) entries.push(['examples', jsonCopy(value)]);
    } else if (key === 'dependencies') {
      if (isObject(value)) entries.push(['dependencies', mapValues(value, (item) => dependency(item, sub))]);
    } else if (NUMBERS.has(key)) {
      if (Number.isFinite(value)) entries.push([key, value]);
    } else if (COUNTS.has(key)) {
      if (Number.isInteger(value) && (value as number) >= 0) entries.push([key, value]);
    } else if (STRINGS.has(key)) {
      if (typeof value === 'string') entries.push([key, value]);
    } else if (BOOLEANS.has(key)) {
      if (typeof value === 'boolean') entries.push([key, value]);
    } else {
      entries.push([key, jsonCopy(value)]);
    }
  }
  const out: JsonSchema = Object.fromEntries(entries);
  convertItems(node, out, sub);
  convertBounds(node, out);
  convertRecursiveRef(node, out, ctx);
  if (node.type === 'file' && out.format === undefined) out.format = 'binary';
  if (typeof node.pattern === 'string' && isValidPattern(node.pattern)) out.pattern = node.pattern;
  if (Number.isFinite(node.multipleOf) && (node.multipleOf as number) > 0) out.multipleOf = node.multipleOf;
  if (node.example !== undefined && out.examples === undefined) out.examples = [jsonCopy(node.example)];
  if (node.nullable === true || node['x-nullable'] === true) return makeNullable(out);
  return out;
}

function convertType(value: unknown): string | string[] | undefined {
  if (value === 'file') return 'string';
  if (typeof value === 'string') return SIMPLE_TYPES.has(value) ? value : undefined;
  if (!Array.isArray(value)) return undefined;
  const types = unique(
    value.filter((item): item is string => typeof item === 'string' && SIMPLE_TYPES.has(item)),
  );
  return types.length > 0 ? types : undefined;
}

function convertItems(node: JsonSchema, out: JsonSchema, sub: (value: unknown) => unknown): void {
  // JSON Schema 2020-12 `prefixItems` + `items` is draft-07 `items` (array) + `additionalItems`.
  if (Array.isArray(node.prefixItems)) {
    out.items = node.prefixItems.map(sub);
    if (node.items !== undefined && !Array.isArray(node.items)) out.additionalItems = sub(node.items);
  } else if (Array.isArray(node.items)) {
    out.items = node.items.map(sub);
  } else if (node.items !== undefined) {
    out.items = sub(node.items);
  }
}

function convertBounds(node: JsonSchema, out: JsonSchema): void {
  // OpenAPI 3.0 and Swagger use draft-04 booleans that modify `minimum`/`maximum`; later drafts use numbers.
  for (const [exclusive, inclusive] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    const value = node[exclusive];
    if (Number.isFinite(value)) {
      out[exclusive] = value;
    } else if (value === true && Number.isFinite(node[inclusive])) {
      out[exclusive] = node[inclusive];
      delete out[inclusive];
    }
  }
}

function convertRecursiveRef(node: JsonSchema, out: JsonSchema, ctx: ConvertContext): void {
  // Dynamic references to the root of the component being converted are plain recursion once that component
  // lives under `$defs`; any other target depends on evaluation scopes the copy no longer has, so it is dropped.
  const self = ctx.self;
  if (!self || out.$ref !== undefined) return;
  const recursive = node.$recursiveRef === '#' && self.recursiveAnchor;
  const dynamic = self.dynamicAnchor !== undefined && node.$dynamicRef === `#${self.dynamicAnchor}`;
  if (recursive || dynamic) out.$ref = `#/$defs/${self.name}`;
}

function makeNullable(out: JsonSchema): JsonSchema {
  const composed =
    out.$ref !== undefined || 'allOf' in out || 'anyOf' in out || 'oneOf' in out || 'not' in out;
  if (!composed) {
    if (out.type !== undefined) {
      const types = Array.isArray(out.type) ? out.type : [out.type];
      if (!types.includes('null')) out.type = [...types, 'null'];
    }
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  // Composition keywords would still reject null, so the whole schema becomes one alternative.
  const outer: Array<[string, unknown]> = [];
  const inner: JsonSchema = { ...out };
  for (const key of OUTER_ANNOTATIONS) {
    if (key in inner) {
      outer.push([key, inner[key]]);
      delete inner[key];
    }
  }
  return { anyOf: [inner, { type: 'null' }], ...Object.fromEntries(outer) };
}

function dependency(value: unknown, sub: (value: unknown) => unknown): unknown {
  return Array.isArray(value) ? unique(value.filter((name) => typeof name === 'string')) : sub(value);
}

function mapValues(
  record: Record<string, unknown>,
  convert: (value: unknown) => unknown,
): Record<string, unknown> {
  // Object.fromEntries defines own properties, so a property named `__proto__` stays an ordinary key.
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value)]));
}

function filterKeys(
  record: Record<string, unknown>,
  keep: (key: string) => boolean,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => keep(key)));
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Ajv compiles patterns as Unicode regular expressions and rejects the whole schema if one fails. */
function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
