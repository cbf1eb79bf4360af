import type { JsonSchema } from '../../tools/types.ts';
import { orderedPropertyNames, propertiesOf, resolveSchema, typesOf, variantsOf } from './schema-resolve.ts';

const MAX_DEPTH = 8;

/** Values for string formats a validator checks, so the example passes the tool's own validation. */
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2025-01-01T12:00:00Z',
  date: '2025-01-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '3f2a6c1e-8b4d-4c2a-9e1f-0a1b2c3d4e5f',
};

function stringExample(schema: JsonSchema): string {
  const format = typeof schema.format === 'string' ? FORMAT_EXAMPLES[schema.format] : undefined;
  if (format) return format;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (min <= 7 && max >= 7) return 'example';
  return 'x'.repeat(Math.max(1, Math.min(min, 1000)));
}

function numberExample(schema: JsonSchema): number {
  if (typeof schema.minimum === 'number') return schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number') return Math.floor(schema.exclusiveMinimum) + 1;
  if (typeof schema.maximum === 'number' && schema.maximum < 1) return schema.maximum;
  return 1;
}

function exampleOf(value: unknown, root: JsonSchema, depth: number): unknown {
  const schema = resolveSchema(value, root);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum.find((option) => option !== null) ?? schema.enum[0];
  }
  if (depth >= MAX_DEPTH) return null;
  const type = typesOf(schema, root).find((candidate) => candidate !== 'null');
  if (type === undefined) {
    const variant = variantsOf(schema, root).find((option) => !typesOf(option, root).includes('null'));
    return variant ? exampleOf(variant, root, depth + 1) : 'example';
  }
  switch (type) {
    case 'object':
      return objectExample(schema, root, depth);
    case 'array':
      return schema.items === undefined ? [] : [exampleOf(schema.items, root, depth + 1)];
    case 'string':
      return stringExample(schema);
    case 'integer':
      return Math.ceil(numberExample(schema));
    case 'number':
      return numberExample(schema);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function objectExample(schema: JsonSchema, root: JsonSchema, depth: number): Record<string, unknown> {
  const { properties, required } = propertiesOf(schema);
  const example: Record<string, unknown> = {};
  for (const name of orderedPropertyNames(schema)) {
    if (required.includes(name)) example[name] = exampleOf(properties[name], root, depth + 1);
  }
  // A required name the schema says nothing more about still has to be sent.
  for (const name of required) if (!(name in example)) example[name] = 'example';
  return example;
}

/**
 * Arguments for a tool's request example, derived from its parameter schema: every required property
 * (nested ones too) with the schema's own example, default, constant or first enum value when it has
 * one, else a value of the declared type and format. Optional parameters are left out, so the example
 * is the smallest call the tool accepts.
 */
export function exampleArguments(parameters: JsonSchema): Record<string, unknown> {
  const example = exampleOf(parameters, parameters, 0);
  return typeof example === 'object' && example !== null && !Array.isArray(example)
    ? (example as Record<string, unknown>)
    : {};
}
