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

// The OpenAI API description (MIT, see openai-api.LICENSE): a large real-world OpenAPI 3.1 document.
const doc = parseApiDocument(fixture('openai-api.3.1.yaml'));
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

describe('OpenAI API document', () => {
  it('has 288 operations with unique valid tool names', () => {
    expect(operations).toHaveLength(288);
    expect(describeDocument(doc)).toEqual({
      title: 'OpenAI API',
      version: '2.3.0',
      openapiVersion: '3.1.0',
      operationCount: 288,
    });
    expect(new Set(operations.map((op) => op.key)).size).toBe(288);
    const taken = new Set<string>();
    for (const op of operations) {
      const name = toolNameFor(op, { taken });
      expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(name).toBe(op.operationId);
      taken.add(name);
    }
    expect(taken.size).toBe(288);
    const prefixed = new Set<string>();
    for (const op of operations) prefixed.add(toolNameFor(op, { prefix: 'openai', taken: prefixed }));
    expect(prefixed.size).toBe(288);
    expect([...prefixed].every((name) => /^openai_[a-zA-Z0-9_-]{1,57}$/.test(name))).toBe(true);
  });

  it('imports path parameters and their descriptions', () => {
    const getAssistant = operation('GET /assistants/{assistant_id}');
    expect(getAssistant.operationId).toBe('getAssistant');
    expect(getAssistant.parameters).toEqual({
      type: 'object',
      properties: { assistant_id: { type: 'string', description: 'The ID of the assistant to retrieve.' } },
      required: ['assistant_id'],
    });
    expect(getAssistant.executionConfig).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/assistants/{{parameters.assistant_id}}',
    });
    expect(getAssistant.deprecated).toBe(true);
    expect(getAssistant.outputSchema?.$ref).toBe('#/$defs/AssistantObject');

    const listAssistants = operation('GET /assistants');
    expect(Object.keys(listAssistants.parameters.properties as object)).toEqual([
      'limit',
      'order',
      'after',
      'before',
    ]);
    expect(listAssistants.executionConfig.queryParams).toEqual({
      limit: '{{parameters.limit}}',
      order: '{{parameters.order}}',
      after: '{{parameters.after}}',
      before: '{{parameters.before}}',
    });
  });

  it('flattens JSON and multipart request bodies', () => {
    const embeddings = operation('POST /embeddings');
    expect(embeddings.operationId).toBe('createEmbedding');
    expect(embeddings.parameters.required).toEqual(['input', 'model']);
    expect(embeddings.executionConfig).toEqual({
      method: 'POST',
      url: 'https://api.openai.com/v1/embeddings',
      body: {
        input: '{{parameters.input}}',
        model: '{{parameters.model}}',
        encoding_format: '{{parameters.encoding_format}}',
        dimensions: '{{parameters.dimensions}}',
        user: '{{parameters.user}}',
      },
      bodyEncoding: 'json',
    });

    const upload = operation('POST /files');
    expect(upload.parameters.required).toEqual(['file', 'purpose']);
    expect((upload.parameters.properties as Record<string, unknown>).file).toMatchObject({
      type: 'string',
      format: 'binary',
    });
    expect(upload.executionConfig).toEqual({
      method: 'POST',
      url: 'https://api.openai.com/v1/files',
      body: {
        file: '{{parameters.file}}',
        purpose: '{{parameters.purpose}}',
        expires_after: '{{parameters.expires_after}}',
      },
      bodyEncoding: 'multipart',
    });
    expect(Object.keys(upload.parameters.$defs as object)).toEqual(['FileExpirationAfter']);
  });

  it('keeps composed bodies whole and maps header parameters', () => {
    const chat = operation('POST /chat/completions');
    expect(chat.operationId).toBe('createChatCompletion');
    expect(chat.parameters.properties).toEqual({ body: { $ref: '#/$defs/CreateChatCompletionRequest' } });
    expect(chat.parameters.required).toEqual(['body']);
    expect(chat.executionConfig.body).toBe('{{parameters.body}}');

    const response = operation('GET /responses/{response_id}?beta=true');
    expect(response.executionConfig.url).toBe(
      'https://api.openai.com/v1/responses/{{parameters.response_id}}?beta=true',
    );
    expect(response.executionConfig.headers).toEqual({ 'openai-beta': '{{parameters.openai-beta}}' });
  });

  it('reads document and operation security', () => {
    expect(listSecuritySchemes(doc)).toEqual([
      { name: 'ApiKeyAuth', kind: 'bearer' },
      { name: 'AdminApiKeyAuth', kind: 'bearer' },
    ]);
    expect(operation('GET /models').security).toEqual(['ApiKeyAuth']);
    expect(operation('GET /organization/admin_api_keys').security).toEqual(['AdminApiKeyAuth']);
  });

  it('turns the recursive filter schema into a $defs cycle and drops OpenAPI-only keywords', () => {
    const defs = operations.map((op) => (op.parameters.$defs ?? {}) as Record<string, unknown>);
    const compound = defs.find((entries) => Object.hasOwn(entries, 'CompoundFilter'))?.CompoundFilter;
    expect(compound).toBeDefined();
    expect(JSON.stringify(compound)).toContain('"$ref":"#/$defs/CompoundFilter"');
    expect(JSON.stringify(compound)).not.toContain('$recursive');
    const keys = allKeys(operations.map((op) => [op.parameters, op.outputSchema]));
    for (const keyword of [
      '$schema',
      'nullable',
      'discriminator',
      'x-oaiMeta',
      'x-stainless-const',
      'example',
    ]) {
      expect(keys.has(keyword), keyword).toBe(false);
    }
  });

  it('produces parameter and output schemas that Ajv compiles', () => {
    const warnings = new Set<string>();
    const ajv = new Ajv({
      strict: false,
      logger: { log() {}, warn: (message) => warnings.add(String(message)), error() {} },
    });
    addFormats.default(ajv);
    for (const op of operations) {
      expect(() => ajv.compile(op.parameters), op.key).not.toThrow();
      if (op.outputSchema) expect(() => ajv.compile(op.outputSchema!), op.key).not.toThrow();
    }
    // The document's own `unixtime` format is unknown to Ajv; Ajv warns about it and carries on.
    expect([...warnings].every((warning) => warning.startsWith('unknown format "unixtime"'))).toBe(true);
    const validate = ajv.compile(operation('POST /embeddings').parameters);
    expect(validate({ input: 'hello', model: 'text-embedding-3-small' })).toBe(true);
    expect(validate({ input: 'hello', model: 'text-embedding-3-small', encoding_format: 'hex' })).toBe(false);
  });
});
