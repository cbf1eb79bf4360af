import type { JsonSchema } from '../types.ts';
import { ApiImportError } from './api-import-error.ts';
import { jsonCopy } from './json-copy.ts';
import { MAX_OUTPUT_NODES } from './limits.ts';
import { followRefs, isObject, segmentsToRef, valueAt } from './refs.ts';
import { convertSchema } from './schema-convert.ts';
import type { ApiDocument } from './types.ts';

interface ConvertedDef {
  schema: JsonSchema | boolean;
  /** `$defs` names this definition refers to directly. */
  refs: string[];
  /** Number of values in `schema`, charged against `MAX_OUTPUT_NODES` each time it is copied. */
  size: number;
}

/**
 * Converts the schemas of one document and makes each produced schema self-contained. Every referenced
 * schema becomes a `$defs` entry, converted once per document however many operations use it; `bundle`
 * then copies only the entries a schema needs, transitively, so recursive schemas work.
 */
export class SchemaRegistry {
  readonly #doc: ApiDocument;
  /** Reference (canonical `#/...` form) of a definition → its `$defs` name. */
  readonly #names = new Map<string, string>();
  readonly #taken = new Set<string>();
  readonly #converted = new Map<string, ConvertedDef>();
  readonly #pending: Array<{ name: string; segments: string[] }> = [];
  #produced = 0;

  constructor(doc: ApiDocument) {
    this.#doc = doc;
    // Component names are claimed first, so they keep their own names whichever operation is converted first.
    const components = doc.dialect === 'swagger-2.0' ? ['definitions'] : ['components', 'schemas'];
    const schemas = valueAt(doc.root, components);
    if (isObject(schemas)) {
      for (const name of Object.keys(schemas)) this.#nameFor([...components, name]);
    }
  }

  /**
   * Converts a schema found at `where` (see `convertSchema`) and records the `$defs` names it uses in `refs`.
   * @throws ApiImportError for external, dangling or circular references, and when the schemas produced for
   * the document exceed `MAX_OUTPUT_NODES`.
   */
  convert(node: unknown, where: string, refs: Set<string>): JsonSchema | boolean {
    const schema = convertSchema(node, {
      where,
      defName: (ref) => {
        const name = this.#register(ref, where);
        refs.add(name);
        return name;
      },
    });
    this.#drain();
    this.#charge(countValues(schema));
    return schema;
  }

  /**
   * Returns `root` with a `$defs` holding deep copies of the definitions in `refs` and everything they use,
   * sorted by name; `root` is returned unchanged when `refs` is empty.
   * @throws ApiImportError when the schemas produced for the document exceed `MAX_OUTPUT_NODES`.
   */
  bundle(root: JsonSchema, refs: Iterable<string>): JsonSchema {
    const needed = new Set<string>();
    const queue = [...refs];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (needed.has(name)) continue;
      needed.add(name);
      for (const ref of this.#converted.get(name)?.refs ?? []) queue.push(ref);
    }
    if (needed.size === 0) return root;
    const names = [...needed].sort();
    this.#charge(names.reduce((total, name) => total + (this.#converted.get(name)?.size ?? 0), 0));
    const defs = names.map((name) => [name, jsonCopy(this.#converted.get(name)?.schema ?? {})]);
    return { ...root, $defs: Object.fromEntries(defs) };
  }

  /** Converts definitions discovered while converting, in a loop rather than recursively. */
  #drain(): void {
    while (this.#pending.length > 0) {
      const { name, segments } = this.#pending.pop()!;
      const where = segmentsToRef(segments);
      const node = valueAt(this.#doc.root, segments);
      const refs = new Set<string>();
      const self = isObject(node)
        ? {
            name,
            recursiveAnchor: node.$recursiveAnchor === true,
            ...(typeof node.$dynamicAnchor === 'string' ? { dynamicAnchor: node.$dynamicAnchor } : {}),
          }
        : { name, recursiveAnchor: false };
      const schema = convertSchema(node, {
        where,
        self,
        defName: (ref) => {
          const target = this.#register(ref, where);
          refs.add(target);
          return target;
        },
      });
      this.#converted.set(name, { schema, refs: [...refs], size: countValues(schema) });
    }
  }

  #register(ref: string, where: string): string {
    // A definition that is only a `$ref` is an alias: use the final target, which also catches ref cycles.
    const { segments } = followRefs(this.#doc, { $ref: ref }, where);
    if (!segments || segments.length === 0) {
      throw new ApiImportError(
        `${where}: the $ref "${ref}" points at the whole document, which is not a schema.`,
      );
    }
    const name = this.#nameFor(segments);
    if (!this.#converted.has(name)) {
      // A placeholder until drained, so each definition is queued once even when it refers to itself.
      this.#converted.set(name, { schema: {}, refs: [], size: 0 });
      this.#pending.push({ name, segments });
    }
    return name;
  }

  #charge(values: number): void {
    this.#produced += values;
    if (this.#produced > MAX_OUTPUT_NODES) {
      throw new ApiImportError(
        `The operations of the document need more than ${MAX_OUTPUT_NODES} schema values, because each tool carries its own copy of every schema it uses. Import a smaller part of the API, or reduce how much large schemas are shared.`,
      );
    }
  }

  #nameFor(segments: string[]): string {
    const key = segmentsToRef(segments);
    const known = this.#names.get(key);
    if (known !== undefined) return known;
    const base = defBaseName(segments, this.#doc.dialect === 'swagger-2.0');
    let name = base;
    for (let suffix = 2; this.#taken.has(name); suffix += 1) name = `${base}_${suffix}`;
    this.#taken.add(name);
    this.#names.set(key, name);
    return name;
  }
}

/** Number of values (objects, arrays and scalars) in converted schema data. */
function countValues(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + countValues(item), 1);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((total: number, item) => total + countValues(item), 1);
  }
  return 1;
}

/** `#/components/schemas/Pet` → `Pet`; other pointers join their segments, e.g. `Pet_properties_tag`. */
function defBaseName(segments: string[], swagger: boolean): string {
  const prefix = swagger ? ['definitions'] : ['components', 'schemas'];
  const local = prefix.every((segment, index) => segments[index] === segment)
    ? segments.slice(prefix.length)
    : segments;
  // Only characters that need no escaping in a JSON pointer or URI fragment, so `#/$defs/<name>` stays simple.
  const name = local
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
  return name === '' ? 'Schema' : name;
}
