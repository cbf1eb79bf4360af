import type { JsonSchema } from '../types.ts';
import type { ParameterLocation } from './parameters.ts';
import { isTemplateSafeName } from './request-body.ts';
import type { SchemaRegistry } from './schema-registry.ts';

/** Annotations and the required flag of one tool parameter. */
export interface PropertyDetails {
  required: boolean;
  description?: string;
  deprecated?: boolean;
}

/**
 * Collects the properties of an operation's single `parameters` object schema, choosing unique property
 * names that can be used in `{{parameters.<name>}}` templates.
 */
export class ParametersSchemaBuilder {
  readonly #registry: SchemaRegistry;
  readonly #where: string;
  readonly #properties: Array<[string, JsonSchema | boolean]> = [];
  readonly #required: string[] = [];
  readonly #names = new Set<string>();
  readonly #refs = new Set<string>();

  constructor(registry: SchemaRegistry, where: string) {
    this.#registry = registry;
    this.#where = where;
  }

  /** Whether a property name is already used. */
  has(name: string): boolean {
    return this.#names.has(name);
  }

  /**
   * Adds a parameter and returns its property name: the parameter name itself when possible, else a
   * sanitized form, prefixed with its location (`query_id`) and numbered on collisions.
   * @throws ApiImportError for unusable `$ref`s in the schema.
   */
  addParameter(name: string, location: ParameterLocation, schema: unknown, details: PropertyDetails): string {
    const safe = isTemplateSafeName(name)
      ? name
      : name
          .replace(/[^A-Za-z0-9_-]+/g, '_')
          .replace(/_+/g, '_')
          .replace(/^_+|_+$/g, '') || 'parameter';
    let property = safe;
    if (this.has(property)) property = `${location}_${safe}`;
    for (let suffix = 2; this.has(property); suffix += 1) property = `${location}_${safe}_${suffix}`;
    this.addProperty(property, schema, details, `${location} parameter "${name}"`);
    return property;
  }

  /** The first of `body`, `requestBody`, `body_2`, `body_3`, ... that is not yet used. */
  freeBodyName(): string {
    if (!this.has('body')) return 'body';
    if (!this.has('requestBody')) return 'requestBody';
    let suffix = 2;
    while (this.has(`body_${suffix}`)) suffix += 1;
    return `body_${suffix}`;
  }

  /**
   * Adds a property under exactly `name`, which the caller has checked is free and template-safe.
   * @throws ApiImportError for unusable `$ref`s in the schema.
   */
  addProperty(name: string, schema: unknown, details: PropertyDetails, label = `property "${name}"`): void {
    const converted = this.#registry.convert(schema, `${this.#where} ${label}`, this.#refs);
    this.#names.add(name);
    this.#properties.push([name, annotate(converted, details)]);
    if (details.required) this.#required.push(name);
  }

  /** The finished `{ type: 'object', properties, required, $defs? }` schema. */
  build(): JsonSchema {
    const root = {
      type: 'object',
      properties: Object.fromEntries(this.#properties),
      required: this.#required,
    };
    return this.#registry.bundle(root, this.#refs);
  }
}

function annotate(schema: JsonSchema | boolean, details: PropertyDetails): JsonSchema | boolean {
  const extras: JsonSchema = {};
  if (details.description !== undefined && details.description.trim() !== '')
    extras.description = details.description;
  if (details.deprecated === true) extras.deprecated = true;
  if (Object.keys(extras).length === 0) return schema;
  if (typeof schema === 'boolean') return schema ? extras : { not: {}, ...extras };
  return { ...schema, ...extras };
}
