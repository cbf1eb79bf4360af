/**
 * The `{{parameters.<path>}}` template language of tool execution configs (rules in ../types.ts).
 * Lookups only follow own properties, so `{{parameters.__proto__}}` or `.constructor` find nothing.
 */

const TEMPLATE = /\{\{\s*parameters((?:\.[^.{}\s]+)*)\s*\}\}/g;
const EXACT_TEMPLATE = /^\{\{\s*parameters((?:\.[^.{}\s]+)*)\s*\}\}$/;

/** Marks a value whose template named an absent argument, so the caller can drop it. */
export const ABSENT: unique symbol = Symbol('absent');
export type Absent = typeof ABSENT;

/** Thrown when a URL template names an argument the call did not provide. */
export class MissingArgumentError extends Error {
  override readonly name = 'MissingArgumentError';

  constructor(readonly argumentPath: string) {
    super(`argument '${argumentPath}' is required to build the request URL`);
  }
}

function segmentsOf(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('.');
}

/** Resolves a dotted path into the arguments; `undefined` when any step is missing. */
function resolve(args: unknown, segments: readonly string[]): unknown {
  let current = args;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The argument a string stands for when it is exactly one template.
 * @returns the argument value, ABSENT when it is missing, or null when the string is not a lone template.
 */
export function exactTemplateValue(text: string, args: unknown): { value: unknown } | Absent | null {
  const match = EXACT_TEMPLATE.exec(text);
  if (!match) return null;
  const value = resolve(args, segmentsOf(match[1] ?? ''));
  return value === undefined ? ABSENT : { value };
}

/**
 * Text form of an argument inside a string: strings as they are, numbers and booleans in JSON form,
 * arrays of scalars comma-joined, objects as JSON, null and absent values as the empty string.
 */
export function stringifyArgument(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    return value.map(stringifyArgument).join(',');
  }
  return JSON.stringify(value);
}

/** Replaces every template inside a longer string with the stringified argument (absent → empty). */
export function interpolate(
  text: string,
  args: unknown,
  encode: (text: string) => string = (text) => text,
): string {
  if (!text.includes('{{')) return text;
  return text.replace(TEMPLATE, (_whole, path: string) =>
    encode(stringifyArgument(resolve(args, segmentsOf(path)))),
  );
}

/**
 * Renders a URL template: each template becomes its percent-encoded argument (array items encoded one
 * by one and comma-joined, the usual "simple" path style).
 * @throws MissingArgumentError when a template names an absent argument.
 */
export function renderUrlTemplate(template: string, args: unknown): string {
  if (!template.includes('{{')) return template;
  return template.replace(TEMPLATE, (_whole, path: string) => {
    const value = resolve(args, segmentsOf(path));
    if (value === undefined || value === null) throw new MissingArgumentError(path.slice(1) || 'parameters');
    if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
      return value.map((item) => encodeURIComponent(stringifyArgument(item))).join(',');
    }
    return encodeURIComponent(stringifyArgument(value));
  });
}

/**
 * Renders a header or query value. A lone template yields the raw argument (ABSENT when missing or
 * null, so the entry is omitted); anything else is interpolated into a string.
 */
export function renderScalarTemplate(template: string, args: unknown): unknown | Absent {
  const exact = exactTemplateValue(template, args);
  if (exact === null) return interpolate(template, args);
  if (exact === ABSENT || exact.value === null) return ABSENT;
  return exact.value;
}

/**
 * Renders a body (or GraphQL variables) template tree: lone-template strings become raw arguments of any
 * JSON type, object keys and array items whose template names an absent argument are dropped, longer
 * strings interpolate, and other JSON values pass through.
 * @returns the rendered value, or ABSENT when the whole body is a lone template of an absent argument.
 */
export function renderBodyTemplate(template: unknown, args: unknown): unknown | Absent {
  if (typeof template === 'string') {
    const exact = exactTemplateValue(template, args);
    if (exact === null) return interpolate(template, args);
    return exact === ABSENT ? ABSENT : exact.value;
  }
  if (Array.isArray(template)) {
    return template.map((item) => renderBodyTemplate(item, args)).filter((item) => item !== ABSENT);
  }
  if (template !== null && typeof template === 'object') {
    const entries: [string, unknown][] = [];
    for (const [key, value] of Object.entries(template)) {
      const rendered = renderBodyTemplate(value, args);
      if (rendered !== ABSENT) entries.push([key, rendered]);
    }
    // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
    return Object.fromEntries(entries);
  }
  return template;
}
