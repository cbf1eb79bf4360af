import type { JsonSchema } from '../../tools/types.ts';
import { objectShape, orderedPropertyNames, propertiesOf, resolveSchema, typesOf } from './schema-resolve.ts';

/** One row of a parameters table: a property, nested ones named with dots. */
export interface ParameterRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

// A SKILL.md is read whole into an agent's context, so deep or huge schemas are cut off with a note.
const MAX_DEPTH = 6;
const MAX_ROWS = 150;
const MAX_DESCRIPTION = 400;

/** Text made safe for one Markdown table cell: one line, pipes escaped, bounded. */
export function tableCell(text: string, max = MAX_DESCRIPTION): string {
  const line = text.replace(/\s+/g, ' ').trim();
  // A cut before the second half of a surrogate pair drops the first half too: it would not encode.
  const end = /[\ud800-\udbff]/.test(line[max - 2] ?? '') ? max - 2 : max - 1;
  const clipped = line.length > max ? `${line.slice(0, end).trimEnd()}…` : line;
  return clipped.replaceAll('|', '\\|');
}

function literal(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return `\`${text.replaceAll('`', "'")}\``;
}

function typeLabel(schema: JsonSchema, root: JsonSchema): string {
  const types = typesOf(schema, root);
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type === 'array') {
        const items = resolveSchema(schema.items, root);
        const itemTypes = typesOf(items, root);
        return itemTypes.length > 0 ? `array of ${itemTypes.join(' or ')}` : 'array';
      }
      if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      return type;
    })
    .join(' or ');
}

function describe(schema: JsonSchema): string {
  const parts: string[] = [];
  const text = typeof schema.description === 'string' ? schema.description : '';
  if (text.trim()) parts.push(text.trim().replace(/([^.!?])$/, '$1.'));
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    parts.push(
      `One of ${schema.enum.slice(0, 20).map(literal).join(', ')}${schema.enum.length > 20 ? ', …' : ''}.`,
    );
  }
  if (schema.const !== undefined) parts.push(`Always ${literal(schema.const)}.`);
  if (schema.default !== undefined) parts.push(`Default ${literal(schema.default)}.`);
  if (schema.deprecated === true) parts.push('Deprecated.');
  return parts.join(' ');
}

function walk(
  schema: JsonSchema,
  root: JsonSchema,
  prefix: string,
  depth: number,
  rows: ParameterRow[],
): boolean {
  const { properties, required } = propertiesOf(schema);
  for (const name of orderedPropertyNames(schema)) {
    if (rows.length >= MAX_ROWS) return false;
    const property = resolveSchema(properties[name], root);
    const path = `${prefix}${name}`;
    rows.push({
      name: path,
      type: typeLabel(property, root),
      required: required.includes(name),
      description: describe(property),
    });
    if (depth + 1 >= MAX_DEPTH) continue;
    const shape = objectShape(property, root);
    const items = shape ? null : objectShape(resolveSchema(property.items, root), root);
    const nested = shape ?? items;
    if (nested && !walk(nested, root, `${path}${items ? '[]' : ''}.`, depth + 1, rows)) return false;
  }
  return true;
}

/**
 * The parameters of a tool as table rows: top-level properties first, nested object properties flattened
 * as `parent.child` and those of array items as `parent[].child`. `complete` is false when the table was
 * cut short (very deep or very large schemas).
 */
export function parameterRows(parameters: JsonSchema): { rows: ParameterRow[]; complete: boolean } {
  const rows: ParameterRow[] = [];
  const shape = objectShape(resolveSchema(parameters, parameters), parameters);
  const complete = shape ? walk(shape, parameters, '', 0, rows) : true;
  return { rows, complete };
}

/** The rows as a Markdown table, or null when there are none. */
export function parameterTable(rows: readonly ParameterRow[]): string | null {
  if (rows.length === 0) return null;
  const lines = ['| Name | Type | Required | Description |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const name = row.name.includes('`') ? tableCell(row.name, 200) : `\`${tableCell(row.name, 200)}\``;
    const description = tableCell(row.description) || '—';
    lines.push(`| ${name} | ${tableCell(row.type, 120)} | ${row.required ? 'yes' : 'no'} | ${description} |`);
  }
  return lines.join('\n');
}
