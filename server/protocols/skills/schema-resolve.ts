import type { JsonSchema } from '../../tools/types.ts';

/** `$ref` hops followed before a schema is taken as it stands (a reference chain can loop). */
const MAX_REF_HOPS = 16;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The target of a local reference such as `#/$defs/Item`, or null for anything else. */
function pointerTarget(root: JsonSchema, ref: string): JsonSchema | null {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return null;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node)) return null;
    node = node[key];
  }
  return isObject(node) ? node : null;
}

/**
 * The schema `value` stands for, with local `$ref`s followed (keywords beside the reference, such as a
 * description, win over the target's) and `allOf` parts merged into one object schema, the way imported
 * OpenAPI operations compose their bodies. Anything that is not a schema object becomes `{}`.
 */
export function resolveSchema(value: unknown, root: JsonSchema, depth = 0): JsonSchema {
  if (!isObject(value)) return {};
  let schema = value;
  for (let hop = 0; hop < MAX_REF_HOPS && typeof schema.$ref === 'string'; hop++) {
    const { $ref, ...siblings } = schema;
    const target = pointerTarget(root, $ref as string);
    schema = target ? { ...target, ...siblings } : siblings;
  }
  if (!Array.isArray(schema.allOf) || depth > MAX_REF_HOPS) return schema;
  const { allOf, ...own } = schema;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  let merged: JsonSchema = {};
  for (const part of [...(allOf as unknown[]).map((item) => resolveSchema(item, root, depth + 1)), own]) {
    if (isObject(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required))
      required.push(...part.required.filter((name) => typeof name === 'string'));
    merged = { ...merged, ...part };
  }
  return {
    ...merged,
    ...(Object.keys(properties).length > 0 ? { properties, type: merged.type ?? 'object' } : {}),
    ...(required.length > 0 ? { required: [...new Set(required)] } : {}),
  };
}

/** The alternatives of an `anyOf` / `oneOf`, resolved; empty when the schema has none. */
export function variantsOf(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  const variants = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : [];
  return variants.map((variant) => resolveSchema(variant, root));
}

/** JSON type names a value of `schema` may have: declared, or inferred from its keywords and variants. */
export function typesOf(schema: JsonSchema, root: JsonSchema, depth = 0): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type))
    return schema.type.filter((type): type is string => typeof type === 'string');
  if (isObject(schema.properties)) return ['object'];
  if (schema.items !== undefined) return ['array'];
  const constants =
    schema.const !== undefined ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : [];
  if (constants.length > 0) {
    return [...new Set(constants.map((value) => (value === null ? 'null' : typeof value)))];
  }
  if (depth > 4) return [];
  return [...new Set(variantsOf(schema, root).flatMap((variant) => typesOf(variant, root, depth + 1)))];
}

/** The properties of an object schema and the names it requires. */
export function propertiesOf(schema: JsonSchema): {
  properties: Record<string, unknown>;
  required: string[];
} {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  return { properties, required };
}

/**
 * Property names in the order a reader wants them: the required ones as the schema lists them, then the
 * rest by name. Sorting by code unit keeps the order the same whatever order the stored JSON came back in.
 */
export function orderedPropertyNames(schema: JsonSchema): string[] {
  const { properties, required } = propertiesOf(schema);
  const names = Object.keys(properties);
  const first = required.filter((name, index) => names.includes(name) && required.indexOf(name) === index);
  const rest = names.filter((name) => !first.includes(name)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...first, ...rest];
}

/** The first variant that describes an object with properties, for walking into `anyOf` members. */
export function objectShape(schema: JsonSchema, root: JsonSchema): JsonSchema | null {
  if (isObject(schema.properties)) return schema;
  return variantsOf(schema, root).find((variant) => isObject(variant.properties)) ?? null;
}
