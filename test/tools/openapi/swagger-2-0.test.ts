import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
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

const doc = parseApiDocument(fixture('petstore.swagger-2.0.json'));
const operations = extractOperations(doc);

function operation(key: string): ImportedOperation {
  const found = operations.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
}

const petId = { type: 'integer', format: 'int64', description: 'ID of pet' };

describe('Swagger 2.0 Petstore', () => {
  it('is detected and summarized', () => {
    expect(doc.dialect).toBe('swagger-2.0');
    expect(describeDocument(doc)).toEqual({
      title: 'Swagger Petstore',
      version: '1.0.7',
      openapiVersion: '2.0',
      operationCount: 9,
    });
    const taken = new Set<string>();
    const names = operations.map((op) => {
      const name = toolNameFor(op, { taken, prefix: 'petstore' });
      taken.add(name);
      return name;
    });
    expect(names).toEqual([
      'petstore_uploadFile',
      'petstore_addPet',
      'petstore_findPetsByStatus',
      'petstore_getPetById',
      'petstore_updatePetWithForm',
      'petstore_deletePet',
      'petstore_placeOrder',
      'petstore_get_store_inventory',
      'petstore_createUsersWithArrayInput',
    ]);
  });

  it('builds URLs from schemes, host and basePath, with $ref parameters at path level', () => {
    const getPet = operation('GET /pet/{petId}');
    expect(getPet.executionConfig).toEqual({
      method: 'GET',
      url: 'https://petstore.swagger.io/v2/pet/{{parameters.petId}}',
    });
    expect(getPet.parameters).toEqual({ type: 'object', properties: { petId }, required: ['petId'] });
    // The response is a `#/responses/...` reference to a `#/definitions/...` schema.
    expect(getPet.outputSchema?.$ref).toBe('#/$defs/Pet');
    expect(Object.keys(getPet.outputSchema?.$defs as object)).toEqual(['Category', 'Pet', 'Tag']);
    expect(getPet.security).toEqual(['api_key']);
  });

  it('sends formData as multipart when the operation uploads a file', () => {
    const upload = operation('POST /pet/{petId}/uploadImage');
    expect(upload.parameters).toEqual({
      type: 'object',
      properties: {
        petId,
        additionalMetadata: { type: 'string', description: 'Additional data to pass to server' },
        file: { type: 'string', format: 'binary', description: 'file to upload' },
      },
      required: ['petId', 'file'],
    });
    expect(upload.executionConfig).toEqual({
      method: 'POST',
      url: 'https://petstore.swagger.io/v2/pet/{{parameters.petId}}/uploadImage',
      body: { additionalMetadata: '{{parameters.additionalMetadata}}', file: '{{parameters.file}}' },
      bodyEncoding: 'multipart',
    });
    expect(upload.security).toEqual(['petstore_auth']);
    expect(upload.outputSchema).toEqual({
      $ref: '#/$defs/ApiResponse',
      $defs: {
        ApiResponse: {
          type: 'object',
          properties: {
            code: { type: 'integer', format: 'int32' },
            type: { type: 'string' },
            message: { type: 'string' },
          },
        },
      },
    });
  });

  it('sends formData as a form otherwise, converting x-nullable', () => {
    const form = operation('POST /pet/{petId}');
    expect(form.parameters).toEqual({
      type: 'object',
      properties: {
        petId,
        name: { type: 'string', description: 'Updated name of the pet' },
        status: { type: ['string', 'null'], description: 'Updated status of the pet' },
      },
      required: ['petId', 'status'],
    });
    expect(form.executionConfig.body).toEqual({
      name: '{{parameters.name}}',
      status: '{{parameters.status}}',
    });
    expect(form.executionConfig.bodyEncoding).toBe('form');
  });

  it('flattens an in: body object schema and keeps polymorphic ones whole', () => {
    const order = operation('POST /store/order');
    expect(order.parameters.required).toEqual([]);
    expect(Object.keys(order.parameters.properties as object)).toEqual([
      'id',
      'petId',
      'quantity',
      'shipDate',
      'status',
      'complete',
    ]);
    expect((order.parameters.properties as Record<string, unknown>).shipDate).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
    });
    expect(order.executionConfig.body).toEqual({
      id: '{{parameters.id}}',
      petId: '{{parameters.petId}}',
      quantity: '{{parameters.quantity}}',
      shipDate: '{{parameters.shipDate}}',
      status: '{{parameters.status}}',
      complete: '{{parameters.complete}}',
    });
    // 200 comes before 201 even though the document lists 201 first.
    expect(order.outputSchema?.$ref).toBe('#/$defs/Order');

    const addPet = operation('POST /pet');
    expect(addPet.parameters.properties).toEqual({
      body: { $ref: '#/$defs/Pet', description: 'Pet object that needs to be added to the store' },
    });
    expect(addPet.parameters.required).toEqual(['body']);
    expect(addPet.executionConfig.body).toBe('{{parameters.body}}');
    expect(addPet.executionConfig.bodyEncoding).toBe('json');
    const pet = (addPet.parameters.$defs as Record<string, { discriminator?: unknown; properties: object }>)
      .Pet;
    expect(pet?.discriminator).toBeUndefined();
    expect(pet?.properties).toHaveProperty('id', {
      type: 'integer',
      format: 'int64',
      readOnly: true,
    });
  });

  it('picks a free name for the body when a parameter is called body', () => {
    const create = operation('POST /user/createWithArray');
    expect(Object.keys(create.parameters.properties as object)).toEqual(['body', 'requestBody']);
    expect(create.parameters.required).toEqual(['requestBody']);
    expect(create.executionConfig.queryParams).toEqual({ body: '{{parameters.body}}' });
    expect(create.executionConfig.body).toBe('{{parameters.requestBody}}');
  });

  it('converts inline parameter types and drops the Authorization header parameter', () => {
    expect(operation('GET /store/inventory').parameters.properties).toEqual({
      limit: { type: 'integer', maximum: 100, exclusiveMinimum: 0 },
    });
    expect(operation('GET /pet/findByStatus').parameters.properties).toEqual({
      status: {
        type: 'array',
        items: { type: 'string', enum: ['available', 'pending', 'sold'], default: 'available' },
        description: 'Status values that need to be considered for filter',
      },
    });
    const remove = operation('DELETE /pet/{petId}');
    expect(remove.executionConfig.headers).toEqual({ api_key: '{{parameters.api_key}}' });
    expect(Object.keys(remove.parameters.properties as object)).toEqual(['petId', 'api_key']);
  });

  it('lists security definitions', () => {
    expect(listSecuritySchemes(doc)).toEqual([
      { name: 'petstore_auth', kind: 'unsupported' },
      { name: 'api_key', kind: 'api_key', in: 'header', parameterName: 'api_key' },
      {
        name: 'partner',
        kind: 'oauth2_client_credentials',
        tokenUrl: 'https://petstore.swagger.io/oauth/token',
        scopes: ['orders'],
        description: 'Machine-to-machine access for partners',
      },
      { name: 'basic', kind: 'basic' },
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

  it('resolves a document without host against baseUrl', () => {
    const { host: _host, ...rest } = JSON.parse(fixture('petstore.swagger-2.0.json'));
    const hostless = parseApiDocument(JSON.stringify(rest));
    expect(extractOperations(hostless)[0]?.executionConfig.url).toBe(
      '/v2/pet/{{parameters.petId}}/uploadImage',
    );
    expect(
      extractOperations(hostless, { baseUrl: 'http://localhost:8080/docs/' })[0]?.executionConfig.url,
    ).toBe('http://localhost:8080/v2/pet/{{parameters.petId}}/uploadImage');
  });
});
