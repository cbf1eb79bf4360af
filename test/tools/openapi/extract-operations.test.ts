import { describe, expect, it } from 'vitest';
import {
  ApiImportError,
  describeDocument,
  extractOperations,
  type ImportedOperation,
  MAX_OUTPUT_NODES,
  parseApiDocument,
} from '../../../server/tools/openapi/index.ts';

function extract(document: object, baseUrl?: string): ImportedOperation[] {
  return extractOperations(
    parseApiDocument(JSON.stringify(document)),
    baseUrl === undefined ? {} : { baseUrl },
  );
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

const info = { title: 'Edge cases', version: '1' };

describe('extractOperations', () => {
  it('gives colliding parameter names distinct properties and adds undeclared path parameters', () => {
    const [operation] = extract({
      openapi: '3.0.3',
      info,
      servers: [{ url: 'https://api.example.com/' }],
      paths: {
        '/accounts/{id}/files/{fileName}': {
          get: {
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
              { name: 'id', in: 'query', schema: { type: 'string' } },
              { name: 'id', in: 'header', schema: { type: 'string' } },
              { name: 'page.size', in: 'query', schema: { type: 'integer' } },
              { name: '__proto__', in: 'query', schema: { type: 'string' } },
              { name: 'Accept', in: 'header', schema: { type: 'string' } },
            ],
            responses: {},
          },
        },
      },
    });
    expect(operation?.parameters).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        query_id: { type: 'string' },
        header_id: { type: 'string' },
        page_size: { type: 'integer' },
        proto: { type: 'string' },
        fileName: { type: 'string' },
      },
      required: ['id', 'fileName'],
    });
    expect(operation?.executionConfig).toEqual({
      method: 'GET',
      url: 'https://api.example.com/accounts/{{parameters.id}}/files/{{parameters.fileName}}',
      headers: { id: '{{parameters.header_id}}' },
      queryParams: JSON.parse(
        '{"id": "{{parameters.query_id}}", "page.size": "{{parameters.page_size}}", "__proto__": "{{parameters.proto}}"}',
      ),
    });
    expect(Object.getPrototypeOf(operation?.executionConfig.queryParams)).toBe(Object.prototype);
  });

  it('prefers operation and path-item servers and substitutes server variables', () => {
    const operations = extract({
      openapi: '3.1.0',
      info,
      servers: [
        {
          url: 'https://{region}.example.com/{version}',
          variables: { region: { default: 'eu' }, version: { default: 'v3' } },
        },
      ],
      paths: {
        '/a': {
          get: { responses: {} },
          put: { servers: [{ url: 'https://uploads.example.com' }], responses: {} },
        },
        '/b': { servers: [{ url: '/beta' }], get: { responses: {} } },
      },
    });
    expect(operations.map((operation) => operation.executionConfig.url)).toEqual([
      'https://eu.example.com/v3/a',
      'https://uploads.example.com/a',
      '/beta/b',
    ]);
  });

  it('requires a base URL when a server variable has no default', () => {
    const document = {
      openapi: '3.0.0',
      info,
      servers: [{ url: 'https://{tenant}.example.com' }],
      paths: { '/a': { get: { responses: {} } } },
    };
    expect(importError(() => extract(document)).message).toBe(
      'The server URL "https://{tenant}.example.com" uses the variable {tenant} without a default; add a default to the document or give a base URL.',
    );
    expect(extract(document, 'https://acme.example.com')[0]?.executionConfig.url).toBe(
      'https://acme.example.com/a',
    );
  });

  it('skips TRACE and extensions, resolves path item $refs and counts like describeDocument', () => {
    const document = {
      openapi: '3.1.0',
      info,
      paths: {
        'x-internal': { get: { responses: {} } },
        '/shared': { $ref: '#/components/pathItems/Shared' },
        '/debug': { trace: { responses: {} }, options: { responses: {} }, head: { responses: {} } },
      },
      components: { pathItems: { Shared: { get: { operationId: 'getShared', responses: {} } } } },
    };
    const operations = extract(document);
    expect(operations.map((operation) => operation.key)).toEqual([
      'GET /shared',
      'OPTIONS /debug',
      'HEAD /debug',
    ]);
    expect(describeDocument(parseApiDocument(JSON.stringify(document))).operationCount).toBe(3);
  });

  it('takes the first alternative of security requirements, an empty one meaning none', () => {
    const operations = extract({
      openapi: '3.0.0',
      info,
      security: [{ oauth: ['read'], apiKey: [] }, { basic: [] }],
      paths: {
        '/a': { get: { responses: {} }, put: { security: [{}, { apiKey: [] }], responses: {} } },
      },
    });
    expect(operations.map((operation) => operation.security)).toEqual([['oauth', 'apiKey'], []]);
  });

  it('falls back to the key for the description and merges summary with description', () => {
    const operations = extract({
      openapi: '3.0.0',
      info,
      paths: {
        '/a': {
          get: { responses: {} },
          put: { summary: ' Same ', description: 'Same', responses: {} },
          post: { summary: 'Short', description: '  Longer text.\n', responses: {} },
        },
      },
    });
    expect(operations.map((operation) => operation.description)).toEqual([
      'GET /a',
      'Same',
      'Short\n\nLonger text.',
    ]);
    expect(operations[2]?.summary).toBe('Short');
  });

  it('sends Swagger 2.0 text bodies as text and honours operation-level consumes', () => {
    const [text, json] = extract({
      swagger: '2.0',
      info,
      host: 'api.example.com',
      schemes: ['http'],
      consumes: ['text/csv'],
      paths: {
        '/import': {
          post: { parameters: [{ in: 'body', name: 'rows', schema: { type: 'string' } }], responses: {} },
          put: {
            consumes: ['application/vnd.api+json'],
            parameters: [{ in: 'body', name: 'doc', required: true, schema: { type: 'object' } }],
            responses: {},
          },
        },
      },
    });
    expect(text?.executionConfig).toEqual({
      method: 'POST',
      url: 'http://api.example.com/import',
      headers: { 'Content-Type': 'text/csv' },
      body: '{{parameters.body}}',
      bodyEncoding: 'text',
    });
    expect(json?.executionConfig.headers).toEqual({ 'Content-Type': 'application/vnd.api+json' });
    expect(json?.executionConfig.bodyEncoding).toBe('json');
    expect(json?.parameters.required).toEqual(['body']);
  });

  it('reports malformed parameters with their location', () => {
    const noName = {
      openapi: '3.0.0',
      info,
      paths: { '/a': { get: { parameters: [{ in: 'query' }], responses: {} } } },
    };
    expect(importError(() => extract(noName)).message).toBe(
      'GET /a operation parameters[0]: a parameter needs a non-empty `name`.',
    );
    const badIn = {
      openapi: '3.0.0',
      info,
      paths: { '/a': { parameters: [{ name: 'q', in: 'body' }], get: { responses: {} } } },
    };
    expect(importError(() => extract(badIn)).message).toBe(
      'GET /a: the parameter "q" has the location "body"; expected one of path, query, header, cookie.',
    );
    const dangling = {
      openapi: '3.0.0',
      info,
      paths: { '/a': { get: { parameters: [{ $ref: '#/components/parameters/Nope' }], responses: {} } } },
    };
    expect(importError(() => extract(dangling)).message).toMatch(
      /^GET \/a operation parameters\[0\]: the \$ref "#\/components\/parameters\/Nope" does not point to anything/,
    );
  });

  it('stops when copies of a shared schema would multiply beyond the output limit', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, index) => [`p${index}`, { type: 'string' }]),
    );
    const paths = Object.fromEntries(
      Array.from({ length: 60 }, (_, index) => [
        `/r${index}`,
        { get: { responses: { '200': { $ref: '#/components/responses/Big' } } } },
      ]),
    );
    const document = {
      openapi: '3.0.0',
      info,
      paths,
      components: {
        schemas: { Big: { type: 'object', properties } },
        responses: {
          Big: {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Big' } } },
          },
        },
      },
    };
    expect(importError(() => extract(document)).message).toBe(
      `The operations of the document need more than ${MAX_OUTPUT_NODES} schema values, because each tool carries its own copy of every schema it uses. Import a smaller part of the API, or reduce how much large schemas are shared.`,
    );
    expect(extract({ ...document, paths: { '/r0': paths['/r0'] } })).toHaveLength(1);
  });
});
