import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApiImportError,
  describeDocument,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_NODES,
  MAX_NESTING_DEPTH,
  MAX_YAML_ALIASES,
  MAX_YAML_ANCHORS,
  parseApiDocument,
} from '../../../server/tools/openapi/index.ts';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/openapi/${name}`, import.meta.url), 'utf8');
}

/** The error parseApiDocument throws for `content`; fails the test when it throws nothing or something else. */
function importError(content: string): ApiImportError {
  try {
    parseApiDocument(content);
  } catch (error) {
    if (error instanceof ApiImportError) return error;
    throw error;
  }
  throw new Error('parseApiDocument accepted the document');
}

const minimalPaths = 'paths:\n  /ping:\n    get:\n      responses: {}\n';

describe('parseApiDocument', () => {
  it('detects OpenAPI 3.0, 3.1 and Swagger 2.0 in YAML and JSON', () => {
    const petstore = parseApiDocument(fixture('petstore.3.0.yaml'));
    expect([petstore.dialect, petstore.specVersion]).toEqual(['openapi-3.0', '3.0.3']);
    const catalog = parseApiDocument(fixture('catalog.3.1.yaml'));
    expect([catalog.dialect, catalog.specVersion]).toEqual(['openapi-3.1', '3.1.0']);
    const swagger = parseApiDocument(fixture('petstore.swagger-2.0.json'));
    expect([swagger.dialect, swagger.specVersion]).toEqual(['swagger-2.0', '2.0']);
    expect(describeDocument(swagger).title).toBe('Swagger Petstore');
  });

  it('accepts unquoted YAML versions, a byte order mark and documents without info', () => {
    const unquoted = parseApiDocument(`openapi: 3.0\n${minimalPaths}`);
    expect([unquoted.dialect, unquoted.specVersion]).toEqual(['openapi-3.0', '3.0']);
    expect(parseApiDocument(`swagger: 2.0\n${minimalPaths}`).dialect).toBe('swagger-2.0');
    const bom = parseApiDocument('\uFEFF{"openapi": "3.1.1", "paths": {"/a": {"get": {}}}}');
    expect(bom.dialect).toBe('openapi-3.1');
    expect(describeDocument(bom)).toEqual({
      title: 'Untitled API',
      version: '',
      openapiVersion: '3.1.1',
      operationCount: 1,
    });
  });

  it('points at the line and column of JSON syntax errors', () => {
    const missingValue = importError('{\n  "openapi": "3.0.0",\n  "paths": }\n');
    expect(missingValue.message).toBe(
      "The document is not valid JSON: Unexpected token '}' (at line 3, column 12). Fix the syntax there; check for a missing or extra comma, quote or bracket.",
    );
    expect(missingValue.field).toBe('schemaContent');
    expect(importError('{"openapi": "3.0.0" "paths": {}}').message).toContain(
      "Expected ',' or '}' after property value (at line 1, column 21)",
    );
    expect(importError('{"openapi": "3.0.0", "paths": {"/a": {},}}').message).toContain(
      '(at line 1, column 41)',
    );
    expect(importError('{"openapi": "3.0.0",\n "paths": {').message).toContain('(at line 2, column 12)');
  });

  it('points at the line and column of YAML syntax errors', () => {
    expect(importError('openapi: 3.0.0\npaths:\n  /a: [\n').message).toBe(
      'The document is neither valid JSON nor valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (at line 4, column 1). Fix the syntax there; check indentation, quotes and brackets.',
    );
    expect(importError('openapi: 3.0.0\npaths: {}\npaths: {}\n').message).toMatch(
      /unique.*\(at line 3, column 1\)/,
    );
    expect(importError('openapi: 3.0.0\n---\nopenapi: 3.1.0\n').message).toContain('2 YAML documents');
  });

  it('explains what is missing or unsupported', () => {
    expect(importError('').message).toMatch(/^The document is empty/);
    expect(importError('just some words').message).toMatch(
      /^The document is a single string value, not an object/,
    );
    expect(importError('- openapi: 3.0.0\n').message).toMatch(/^The document is a list, not an object/);
    expect(importError('{"info": {"title": "x"}, "paths": {}}').message).toMatch(
      /^The document has neither an `openapi` nor a `swagger` field/,
    );
    expect(importError(`openapi: "2.0"\n${minimalPaths}`).message).toBe(
      'OpenAPI version "2.0" is not supported. Version 2.0 documents use the `swagger` field instead of `openapi`. Supported are OpenAPI 3.0.x and 3.1.x (`openapi: 3.1.0`) and Swagger 2.0 (`swagger: "2.0"`).',
    );
    expect(importError(`openapi: 4.0.0\n${minimalPaths}`).message).toMatch(
      /^OpenAPI version "4.0.0" is not supported/,
    );
    expect(importError(`swagger: "1.2"\n${minimalPaths}`).message).toMatch(
      /^Swagger version "1.2" is not supported/,
    );
    expect(importError('openapi: 3.1.0\ninfo: {title: x, version: "1"}\n').message).toMatch(
      /^The document has no `paths` object/,
    );
    expect(importError('openapi: 3.1.0\npaths: {}\n').message).toMatch(
      /^The `paths` object of the document is empty/,
    );
  });

  it('rejects documents over the size limit, counting bytes rather than characters', () => {
    expect(MAX_DOCUMENT_BYTES).toBe(10 * 1024 * 1024);
    expect(importError(' '.repeat(MAX_DOCUMENT_BYTES + 1)).message).toBe(
      'The document is 10 MiB; the limit is 10 MiB. Remove unused paths and schemas, or split the API into several imports.',
    );
    const multibyte = importError(`openapi: 3.0.0\n# ${'é'.repeat(MAX_DOCUMENT_BYTES / 2)}\n${minimalPaths}`);
    expect(multibyte.message).toMatch(/^The document is 10 MiB; the limit is 10 MiB/);
  });

  it('stops YAML alias bombs', () => {
    const laughs = ['x-a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ]) {
      laughs.push(`x-${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    expect(importError(`openapi: 3.0.0\n${minimalPaths}${laughs.join('\n')}\n`).message).toMatch(
      /^The YAML aliases of the document cannot be expanded: Excessive alias count/,
    );
    const aliases = `x-v: &v 1\nx-list: [${Array(MAX_YAML_ALIASES + 1)
      .fill('*v')
      .join(', ')}]\n`;
    expect(importError(`openapi: 3.0.0\n${minimalPaths}${aliases}`).message).toMatch(
      /^The document has more than 1000 YAML aliases \(\*name\) \(at line 7, column 4010\)/,
    );
    const anchors = Array.from(
      { length: MAX_YAML_ANCHORS + 1 },
      (_, index) => `x-${index}: &a${index} v`,
    ).join('\n');
    expect(importError(`openapi: 3.0.0\n${minimalPaths}${anchors}\n`).message).toMatch(
      /^The document has more than 1000 YAML anchors \(&name\) \(at line 1006, column 9\)/,
    );
  });

  it('limits the values that aliases may multiply into', () => {
    const big = `x-big: &big [${Array(50_000).fill('0').join(',')}]\nx-copies: [${Array(50).fill('*big').join(',')}]\n`;
    expect(importError(`openapi: 3.0.0\n${minimalPaths}${big}`).message).toBe(
      `The document has more than ${MAX_DOCUMENT_NODES} values (YAML aliases count at every use); import a smaller document or expand fewer aliases.`,
    );
  });

  it('rejects a YAML alias inside its own anchor', () => {
    expect(importError('openapi: 3.0.0\npaths: &p\n  /a: *p\n').message).toMatch(
      /alias inside its own anchor/,
    );
  });

  it('rejects deep nesting in YAML flow and block style and in JSON without overflowing the stack', () => {
    const flow = importError(
      `openapi: 3.0.0\npaths:\n  /a: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`,
    );
    expect(flow.message).toMatch(
      /^The document has objects and arrays nested more than 128 levels deep \(at line 3,/,
    );
    let block = 'openapi: 3.0.0\npaths:\n';
    for (let level = 1; level < 200; level += 1) block += `${'  '.repeat(level)}k${level}:\n`;
    expect(importError(block).message).toMatch(
      /nested more than 128 levels deep \(at line \d+, column \d+\)/,
    );
    const json = `{"openapi": "3.0.0", "paths": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expect(importError(json).message).toBe(
      `The document nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep; flatten it or use $ref components.`,
    );
  });
});
