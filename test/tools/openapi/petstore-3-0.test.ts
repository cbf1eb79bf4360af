import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  ApiImportError,
  describeDocument,
  extractOperations,
  type ImportedOperation,
  listSecuritySchemes,
  parseApiDocument,
  toolNameFor,
} from '../../../server/tools/openapi/index.ts';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/openapi/${name}`, import.meta.url), 'utf8');
}

const doc = parseApiDocument(fixture('petstore.3.0.yaml'));
const operations = extractOperations(doc);

function operation(key: string): ImportedOperation {
  const found = operations.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
}

function allKeys(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) allKeys(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      allKeys(item, into);
    }
  }
  return into;
}

const category = {
  type: 'object',
  properties: {
    id: { type: 'integer', format: 'int64', examples: [1] },
    name: { type: 'string', examples: ['Dogs'] },
  },
};
const tag = {
  type: 'object',
  properties: { id: { type: 'integer', format: 'int64' }, name: { type: 'string' } },
};

describe('OpenAPI 3.0 Petstore', () => {
  it('lists every operation in document order with stable keys and tool names', () => {
    expect(describeDocument(doc)).toEqual({
      title: 'Swagger Petstore - OpenAPI 3.0',
      version: '1.0.19',
      openapiVersion: '3.0.3',
      operationCount: 19,
    });
    const taken = new Set<string>();
    const names = operations.map((op) => {
      const name = toolNameFor(op, { taken });
      taken.add(name);
      return name;
    });
    expect(names).toEqual([
      'updatePet',
      'addPet',
      'findPetsByStatus',
      'findPetsByTags',
      'getPetById',
      'updatePetWithForm',
      'deletePet',
      'uploadFile',
      'getInventory',
      'placeOrder',
      'getOrderById',
      'deleteOrder',
      'createUser',
      'createUsersWithListInput',
      'loginUser',
      'logoutUser',
      'getUserByName',
      'updateUser',
      'deleteUser',
    ]);
    expect(operations.map((op) => op.key).slice(0, 4)).toEqual([
      'PUT /pet',
      'POST /pet',
      'GET /pet/findByStatus',
      'GET /pet/findByTags',
    ]);
  });

  it('flattens an object body into parameters with $defs holding only the referenced components', () => {
    const addPet = operation('POST /pet');
    expect(addPet.parameters).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer', format: 'int64', examples: [10] },
        name: { type: 'string', examples: ['doggie'] },
        category: { anyOf: [{ allOf: [{ $ref: '#/$defs/Category' }] }, { type: 'null' }] },
        photoUrls: { type: 'array', items: { type: 'string' } },
        tags: { type: 'array', items: { $ref: '#/$defs/Tag' } },
        status: {
          type: 'string',
          description: 'pet status in the store',
          enum: ['available', 'pending', 'sold'],
        },
      },
      required: ['name', 'photoUrls'],
      $defs: { Category: category, Tag: tag },
    });
    expect(addPet.executionConfig).toEqual({
      method: 'POST',
      url: 'https://petstore3.swagger.io/api/v3/pet',
      body: {
        id: '{{parameters.id}}',
        name: '{{parameters.name}}',
        category: '{{parameters.category}}',
        photoUrls: '{{parameters.photoUrls}}',
        tags: '{{parameters.tags}}',
        status: '{{parameters.status}}',
      },
      bodyEncoding: 'json',
    });
    expect(addPet.description).toBe('Add a new pet to the store');
    expect(addPet.security).toEqual(['petstore_auth']);
    // 200 only has XML, so the first JSON success response is 201.
    expect(addPet.outputSchema?.$ref).toBe('#/$defs/Pet');
    expect(Object.keys(addPet.outputSchema?.$defs as object)).toEqual(['Category', 'Pet', 'Tag']);
  });

  it('maps path, query and header parameters to templates', () => {
    const getPet = operation('GET /pet/{petId}');
    expect(getPet.parameters).toEqual({
      type: 'object',
      properties: { petId: { type: 'integer', format: 'int64', description: 'ID of pet to return' } },
      required: ['petId'],
    });
    expect(getPet.executionConfig).toEqual({
      method: 'GET',
      url: 'https://petstore3.swagger.io/api/v3/pet/{{parameters.petId}}',
    });
    expect(getPet.security).toEqual(['api_key']);
    expect(getPet.summary).toBe('Find pet by ID');
    expect(getPet.description).toBe('Find pet by ID\n\nReturns a single pet');
    expect(getPet.tags).toEqual(['pet']);

    expect(operation('DELETE /pet/{petId}').executionConfig).toEqual({
      method: 'DELETE',
      url: 'https://petstore3.swagger.io/api/v3/pet/{{parameters.petId}}',
      headers: { api_key: '{{parameters.api_key}}' },
    });
    const byTags = operation('GET /pet/findByTags');
    expect(byTags.deprecated).toBe(true);
    expect(byTags.parameters.required).toEqual(['tags']);
    expect(byTags.executionConfig.queryParams).toEqual({ tags: '{{parameters.tags}}' });
    expect(operation('GET /user/login').executionConfig.queryParams).toEqual({
      username: '{{parameters.username}}',
      password: '{{parameters.password}}',
    });
  });

  it('keeps a body whose properties collide with parameters under one body property', () => {
    const updateUser = operation('PUT /user/{username}');
    expect(updateUser.parameters.properties).toEqual({
      username: { type: 'string', description: 'name that needs to be updated' },
      body: { $ref: '#/$defs/User', description: 'Update an existent user in the store' },
    });
    expect(updateUser.parameters.required).toEqual(['username', 'body']);
    expect(updateUser.executionConfig.body).toBe('{{parameters.body}}');
    expect(Object.keys(updateUser.parameters.$defs as object)).toEqual(['User']);

    const list = operation('POST /user/createWithList');
    expect(list.parameters.properties).toEqual({
      body: { type: 'array', items: { $ref: '#/$defs/User' }, description: 'List of user object' },
    });
    expect(list.parameters.required).toEqual([]);
  });

  it('converts OpenAPI 3.0 keywords and leaves optional bodies optional', () => {
    const placeOrder = operation('POST /store/order');
    const properties = placeOrder.parameters.properties as Record<string, unknown>;
    expect(properties.quantity).toEqual({
      type: 'integer',
      format: 'int32',
      exclusiveMinimum: 0,
      examples: [7],
    });
    expect(properties.shipDate).toEqual({ type: ['string', 'null'], format: 'date-time' });
    expect(placeOrder.parameters.required).toEqual([]);
    expect(placeOrder.security).toEqual([]);
    const keys = allKeys(operations);
    for (const keyword of ['$schema', 'nullable', 'xml', 'example', 'discriminator']) {
      expect(keys.has(keyword), keyword).toBe(false);
    }
  });

  it('sends a binary body as text with its own content type', () => {
    const upload = operation('POST /pet/{petId}/uploadImage');
    expect(upload.executionConfig).toEqual({
      method: 'POST',
      url: 'https://petstore3.swagger.io/api/v3/pet/{{parameters.petId}}/uploadImage',
      headers: { 'Content-Type': 'application/octet-stream' },
      queryParams: { additionalMetadata: '{{parameters.additionalMetadata}}' },
      body: '{{parameters.body}}',
      bodyEncoding: 'text',
    });
    expect(upload.parameters.required).toEqual(['petId']);
  });

  it('takes output schemas from the first JSON 2xx response', () => {
    expect(operation('GET /store/inventory').outputSchema).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer', format: 'int32' },
    });
    expect(operation('GET /user/login').outputSchema).toEqual({ type: 'string' });
    expect(operation('POST /user').outputSchema).toBeUndefined();
  });

  it('lists security schemes', () => {
    expect(listSecuritySchemes(doc)).toEqual([
      { name: 'petstore_auth', kind: 'unsupported' },
      { name: 'api_key', kind: 'api_key', in: 'header', parameterName: 'api_key' },
    ]);
  });

  it('produces schemas that Ajv compiles', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    for (const op of operations) {
      expect(() => ajv.compile(op.parameters), op.key).not.toThrow();
      if (op.outputSchema) expect(() => ajv.compile(op.outputSchema!), op.key).not.toThrow();
    }
    const validate = ajv.compile(operation('POST /pet').parameters);
    expect(validate({ name: 'Rex', photoUrls: [], category: null })).toBe(true);
    expect(validate({ name: 'Rex', photoUrls: [], category: { id: 'x' } })).toBe(false);
    expect(validate({ photoUrls: [] })).toBe(false);
  });

  it('uses baseUrl instead of the absolute server and rejects unusable base URLs', () => {
    const [first] = extractOperations(doc, { baseUrl: 'https://staging.example.com/api/' });
    expect(first?.executionConfig.url).toBe('https://staging.example.com/api/pet');
    for (const baseUrl of [
      'not a url',
      'ftp://example.com',
      'https://user:pw@example.com',
      'https://x.io/?a=1',
    ]) {
      const error = (() => {
        try {
          extractOperations(doc, { baseUrl });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ApiImportError);
      expect((error as ApiImportError).field).toBe('baseUrl');
    }
  });
});
