import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  ApiImportError,
  extractOperations,
  type ImportedOperation,
  parseApiDocument,
} from '../../../server/tools/openapi/index.ts';

/** The single operation of a document whose `POST /items` body has the given JSON schema. */
function bodyOperation(version: string, schemas: object, body: object): ImportedOperation {
  const doc = {
    openapi: version,
    info: { title: 'Conversion', version: '1' },
    paths: {
      '/items': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: { '2XX': { description: 'ok', content: { 'application/json': { schema: body } } } },
        },
      },
    },
    components: { schemas },
  };
  const [operation] = extractOperations(parseApiDocument(JSON.stringify(doc)));
  if (!operation) throw new Error('no operation');
  return operation;
}

function importError(run: () => unknown): ApiImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiImportError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

function compiles(schema: object): boolean {
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  ajv.compile(schema);
  return true;
}

describe('schema conversion', () => {
  it('turns OpenAPI 3.0 nullable into null types, null enum values or an anyOf', () => {
    const operation = bodyOperation(
      '3.0.3',
      { Owner: { type: 'object', properties: { name: { type: 'string' } } } },
      {
        type: 'object',
        properties: {
          size: { type: 'string', enum: ['s', 'm'], nullable: true },
          note: { nullable: true, description: 'anything' },
          owner: { $ref: '#/components/schemas/Owner', nullable: true, description: 'Who owns it' },
        },
      },
    );
    expect(operation.parameters.properties).toEqual({
      size: { type: ['string', 'null'], enum: ['s', 'm', null] },
      note: { description: 'anything' },
      owner: { anyOf: [{ $ref: '#/$defs/Owner' }, { type: 'null' }], description: 'Who owns it' },
    });
    expect(operation.outputSchema?.$defs).toEqual({
      Owner: { type: 'object', properties: { name: { type: 'string' } } },
    });
  });

  it('converts draft-04 exclusive bounds and Swagger-only types, and drops what Ajv would reject', () => {
    const operation = bodyOperation(
      '3.0.0',
      {},
      {
        type: 'object',
        properties: {
          ratio: { type: 'number', minimum: 0, exclusiveMinimum: false, maximum: 1, exclusiveMaximum: true },
          code: { type: 'string', pattern: '^[a-z\\_]+$', 'x-internal': true, example: 'ab', minLength: -1 },
          slug: { type: 'string', pattern: '^[a-z-]+$', examples: { first: { value: 'a' } } },
          when: {
            type: 'date',
            required: true,
            $schema: 'http://json-schema.org/draft-04/schema#',
            $id: 'when',
          },
          step: { type: 'integer', multipleOf: 0 },
        },
      },
    );
    expect(operation.parameters.properties).toEqual({
      ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      code: { type: 'string', examples: ['ab'] },
      slug: { type: 'string', pattern: '^[a-z-]+$' },
      when: {},
      step: { type: 'integer' },
    });
    expect(compiles(operation.parameters)).toBe(true);
  });

  it('rewrites $recursiveRef to the component that anchors it', () => {
    const operation = bodyOperation(
      '3.1.0',
      {
        Expression: {
          $recursiveAnchor: true,
          type: 'object',
          properties: { op: { type: 'string' }, args: { type: 'array', items: { $recursiveRef: '#' } } },
        },
      },
      { $ref: '#/components/schemas/Expression' },
    );
    expect(operation.parameters.$defs).toEqual({
      Expression: {
        type: 'object',
        properties: {
          op: { type: 'string' },
          args: { type: 'array', items: { $ref: '#/$defs/Expression' } },
        },
      },
    });
    // Flattening would cut the properties off from the anchor, so the body stays one definition.
    expect(operation.parameters.properties).toEqual({ body: { $ref: '#/$defs/Expression' } });
    expect(operation.executionConfig.body).toBe('{{parameters.body}}');
  });

  it('follows $ref aliases to their target and names other pointers after their path', () => {
    const operation = bodyOperation(
      '3.1.0',
      {
        Alias: { $ref: '#/components/schemas/Real' },
        Real: { type: 'object', properties: { tag: { type: 'string', minLength: 1 } } },
      },
      {
        type: 'array',
        items: { $ref: '#/components/schemas/Alias' },
        contains: { $ref: '#/components/schemas/Real/properties/tag' },
      },
    );
    expect(operation.parameters.properties).toEqual({
      body: {
        type: 'array',
        items: { $ref: '#/$defs/Real' },
        contains: { $ref: '#/$defs/Real_properties_tag' },
      },
    });
    expect(Object.keys(operation.parameters.$defs as object)).toEqual(['Real', 'Real_properties_tag']);
  });

  it('explains unusable references', () => {
    const external = importError(() => bodyOperation('3.1.0', {}, { $ref: 'common.yaml#/Pet' }));
    expect(external.message).toBe(
      'POST /items request body: the $ref "common.yaml#/Pet" points outside the document; only references inside it ("#/...") are supported. Bundle the document into one file first (for example with `npx @redocly/cli bundle`).',
    );
    const dangling = importError(() => bodyOperation('3.1.0', {}, { $ref: '#/components/schemas/Missing' }));
    expect(dangling.message).toMatch(
      /the \$ref "#\/components\/schemas\/Missing" does not point to anything/,
    );
    const cycle = importError(() =>
      bodyOperation(
        '3.1.0',
        { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } },
        { type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } },
      ),
    );
    expect(cycle.message).toMatch(/leads back to itself/);
    const whole = importError(() => bodyOperation('3.1.0', {}, { type: 'array', items: { $ref: '#' } }));
    expect(whole.message).toMatch(/points at the whole document, which is not a schema/);
  });

  it('keeps property names such as __proto__ as plain data', () => {
    const operation = bodyOperation(
      '3.1.0',
      {},
      {
        type: 'object',
        properties: JSON.parse('{"__proto__": {"type": "string"}, "ok": {"type": "number"}}'),
      },
    );
    const body = operation.parameters.properties as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['body']);
    const inner = (body.body as { properties: Record<string, unknown> }).properties;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.keys(inner)).toEqual(['__proto__', 'ok']);
    expect(operation.outputSchema).toBeDefined();
    expect(compiles(operation.parameters)).toBe(true);
  });

  it('turns YAML 1.1 timestamps and infinite numbers into JSON data', () => {
    const yaml = [
      '%YAML 1.1',
      '---',
      'openapi: 3.0.3',
      'info: {title: Dates, version: "1"}',
      'paths:',
      '  /events:',
      '    get:',
      '      parameters:',
      '        - {name: since, in: query, schema: {type: string, format: date, default: 2001-12-14}}',
      '        - {name: limit, in: query, schema: {type: number, maximum: .inf, enum: [1, .nan]}}',
      '      responses: {}',
    ].join('\n');
    const operations = extractOperations(parseApiDocument(yaml));
    expect(operations[0]?.parameters.properties).toEqual({
      since: { type: 'string', format: 'date', default: '2001-12-14T00:00:00.000Z' },
      limit: { type: 'number', enum: [1, null] },
    });
    expect(JSON.parse(JSON.stringify(operations))).toEqual(operations);
  });
});
