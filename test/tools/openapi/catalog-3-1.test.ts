import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  extractOperations,
  type ImportedOperation,
  listSecuritySchemes,
  parseApiDocument,
  toolNameFor,
} from '../../../server/tools/openapi/index.ts';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/openapi/${name}`, import.meta.url), 'utf8');
}

const doc = parseApiDocument(fixture('catalog.3.1.yaml'));
const operations = extractOperations(doc, { baseUrl: 'https://shop.example.com/docs/openapi.yaml' });

function operation(key: string): ImportedOperation {
  const found = operations.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
}

const categoryNode = {
  type: 'object',
  required: ['name'],
  properties: {
    id: { type: 'string', format: 'uuid', readOnly: true },
    name: { type: 'string', examples: ['Garden'] },
    children: { type: 'array', items: { $ref: '#/$defs/CategoryNode' } },
  },
};
const productId = { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' };

describe('OpenAPI 3.1 catalog', () => {
  it('names operations, using method and path when there is no operationId', () => {
    expect(doc.dialect).toBe('openapi-3.1');
    const taken = new Set<string>();
    const names = operations.map((op) => {
      const name = toolNameFor(op, { taken });
      taken.add(name);
      return name;
    });
    expect(names).toEqual([
      'getCategoryTree',
      'replaceCategory',
      'get_products',
      'createProduct',
      'updateProduct',
      'deleteProduct',
      'addReview',
      'searchProducts',
    ]);
    const list = operation('GET /products');
    expect(list.operationId).toBeUndefined();
    expect(list.summary).toBeUndefined();
    expect(list.description).toBe('Lists products, newest first.');
  });

  it('resolves a relative server URL with variables against baseUrl, or leaves it relative', () => {
    expect(operation('GET /categories/{categoryId}').executionConfig.url).toBe(
      'https://shop.example.com/catalog/v2/categories/{{parameters.categoryId}}',
    );
    const relative = extractOperations(doc);
    expect(relative.map((op) => op.executionConfig.url)).toEqual([
      '/catalog/v2/categories/{{parameters.categoryId}}',
      '/catalog/v2/categories/{{parameters.categoryId}}',
      '/catalog/v2/products',
      '/catalog/v2/products',
      '/catalog/v2/products/{{parameters.productId}}',
      '/catalog/v2/products/{{parameters.productId}}',
      '/catalog/v2/products/{{parameters.productId}}/reviews',
      '/catalog/v2/search',
    ]);
  });

  it('merges $ref path-level parameters with operation parameters, the operation winning', () => {
    const get = operation('GET /categories/{categoryId}');
    expect(get.parameters).toEqual({
      type: 'object',
      properties: {
        categoryId: { type: 'string', format: 'uuid', description: 'Category identifier' },
        'Accept-Language': { type: 'string', default: 'en', description: 'Preferred language of names' },
        depth: {
          type: 'integer',
          minimum: 1,
          maximum: 10,
          default: 3,
          description: 'How many levels of children to include',
        },
      },
      required: ['categoryId'],
    });
    expect(get.executionConfig.headers).toEqual({ 'Accept-Language': '{{parameters.Accept-Language}}' });
    expect(get.executionConfig.queryParams).toEqual({ depth: '{{parameters.depth}}' });
    expect(get.outputSchema).toEqual({ $ref: '#/$defs/CategoryNode', $defs: { CategoryNode: categoryNode } });

    const replace = operation('PUT /categories/{categoryId}');
    expect((replace.parameters.properties as Record<string, unknown>)['Accept-Language']).toEqual({
      type: 'string',
      enum: ['en', 'de', 'fr'],
      description: 'Language of the names in the request',
    });
  });

  it('flattens a recursive body, leaving out read-only properties', () => {
    const replace = operation('PUT /categories/{categoryId}');
    expect(Object.keys(replace.parameters.properties as object)).toEqual([
      'categoryId',
      'Accept-Language',
      'name',
      'children',
    ]);
    expect(replace.parameters.required).toEqual(['categoryId', 'Accept-Language', 'name']);
    expect(replace.parameters.$defs).toEqual({ CategoryNode: categoryNode });
    expect(replace.executionConfig.body).toEqual({
      name: '{{parameters.name}}',
      children: '{{parameters.children}}',
    });
  });

  it('sanitizes parameter names, sends cookies as a header and ignores Authorization', () => {
    const list = operation('GET /products');
    expect(list.parameters.properties).toEqual({
      filter_tag: { type: 'string', description: 'Only products with this tag' },
      tags: { type: 'array', items: { type: 'string' } },
      session: { type: 'string' },
    });
    expect(list.executionConfig).toEqual({
      method: 'GET',
      url: 'https://shop.example.com/catalog/v2/products',
      headers: { Cookie: 'session={{parameters.session}}' },
      queryParams: { 'filter[tag]': '{{parameters.filter_tag}}', tags: '{{parameters.tags}}' },
    });
  });

  it('keeps allOf/oneOf bodies whole and copies only the components they use', () => {
    const create = operation('POST /products');
    expect(create.parameters.properties).toEqual({ body: { $ref: '#/$defs/Product' } });
    expect(create.parameters.required).toEqual(['body']);
    const defs = create.parameters.$defs as Record<string, unknown>;
    expect(Object.keys(defs)).toEqual(['Money', 'Pickup', 'Product', 'ProductBase', 'Shipping']);
    expect(defs.Product).toEqual({
      allOf: [
        { $ref: '#/$defs/ProductBase' },
        {
          type: 'object',
          properties: { delivery: { oneOf: [{ $ref: '#/$defs/Shipping' }, { $ref: '#/$defs/Pickup' }] } },
        },
      ],
    });
    // 2020-12 tuples become draft-07 `items` arrays, which Ajv's default class understands.
    expect((defs.ProductBase as { properties: Record<string, unknown> }).properties.dimensions).toEqual({
      description: 'Width and height in centimetres',
      type: 'array',
      items: [{ type: 'number' }, { type: 'number' }],
      additionalItems: false,
    });
    expect(create.security).toEqual(['apiKey']);
    expect(JSON.stringify(operations)).not.toContain('Unused');
  });

  it('keeps a body under `body` when a property collides, with its media type as Content-Type', () => {
    const update = operation('PATCH /products/{productId}');
    expect(update.parameters).toEqual({
      type: 'object',
      properties: {
        productId,
        body: { type: 'object', properties: { productId: { type: 'string' }, name: { type: 'string' } } },
      },
      required: ['productId'],
    });
    expect(update.executionConfig).toEqual({
      method: 'PATCH',
      url: 'https://shop.example.com/catalog/v2/products/{{parameters.productId}}',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{{parameters.body}}',
      bodyEncoding: 'json',
    });
  });

  it('flattens form bodies and keeps 3.1 type unions', () => {
    const review = operation('POST /products/{productId}/reviews');
    expect(review.parameters).toEqual({
      type: 'object',
      properties: {
        productId,
        rating: { type: 'integer', minimum: 1, maximum: 5 },
        comment: { type: ['string', 'null'], maxLength: 2000 },
      },
      required: ['productId', 'rating'],
    });
    expect(review.executionConfig.body).toEqual({
      rating: '{{parameters.rating}}',
      comment: '{{parameters.comment}}',
    });
    expect(review.executionConfig.bodyEncoding).toBe('form');
  });

  it('handles recursive oneOf schemas in an optional body', () => {
    const search = operation('POST /search');
    expect(search.parameters).toEqual({
      type: 'object',
      properties: { text: { type: 'string' }, filter: { $ref: '#/$defs/Filter' } },
      required: [],
      $defs: {
        Condition: {
          type: 'object',
          required: ['field', 'equals'],
          properties: { field: { type: 'string' }, equals: { type: ['string', 'number', 'boolean'] } },
        },
        Filter: {
          oneOf: [
            { $ref: '#/$defs/Condition' },
            {
              type: 'object',
              required: ['and'],
              properties: { and: { type: 'array', items: { $ref: '#/$defs/Filter' } } },
            },
          ],
        },
      },
    });
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(search.parameters);
    const nested = { and: [{ field: 'colour', equals: 'red' }, { and: [{ field: 'size', equals: 4 }] }] };
    expect(validate({ text: 'chair', filter: nested })).toBe(true);
    expect(validate({ filter: { and: [{ field: 'colour' }] } })).toBe(false);
  });

  it('reads security requirements and schemes', () => {
    const remove = operation('DELETE /products/{productId}');
    expect(remove.security).toEqual([]);
    expect(remove.deprecated).toBe(true);
    expect(operation('GET /products').security).toEqual(['bearerAuth']);
    expect(listSecuritySchemes(doc)).toEqual([
      { name: 'bearerAuth', kind: 'bearer' },
      { name: 'apiKey', kind: 'api_key', in: 'query', parameterName: 'api_key' },
      {
        name: 'clientCredentials',
        kind: 'oauth2_client_credentials',
        tokenUrl: 'https://auth.example.com/oauth/token',
        scopes: ['catalog.read', 'catalog.write'],
        description: 'Server-to-server access',
      },
      { name: 'basicAuth', kind: 'basic' },
      { name: 'oidc', kind: 'unsupported' },
    ]);
  });

  it('produces schemas that Ajv compiles', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    for (const op of operations) {
      expect(() => ajv.compile(op.parameters), op.key).not.toThrow();
      if (op.outputSchema) expect(() => ajv.compile(op.outputSchema!), op.key).not.toThrow();
    }
  });
});
