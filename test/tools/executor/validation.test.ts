import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ExecutionOutcome, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { JsonSchema } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let executor: ToolExecutor;

const searchSchema: JsonSchema = {
  type: 'object',
  properties: {
    query: { type: 'string', minLength: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
    sort: { enum: ['asc', 'desc'] },
    email: { type: 'string', format: 'email' },
    filters: {
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string' } } },
      additionalProperties: false,
    },
  },
  required: ['query'],
  additionalProperties: false,
};

const treeSchema: JsonSchema = {
  type: 'object',
  properties: { root: { $ref: '#/$defs/node' } },
  required: ['root'],
  $defs: {
    node: {
      type: 'object',
      properties: {
        value: { type: 'integer' },
        children: { type: 'array', items: { $ref: '#/$defs/node' } },
      },
      required: ['value'],
    },
  },
};

function tool(parameters: JsonSchema, version = '1', id = 'search'): ExecutableTool {
  return {
    id,
    version,
    type: 'http',
    parameters,
    executionConfig: { method: 'POST', url: upstream.url('/echo'), body: '{{parameters}}' },
  };
}

function failure(outcome: ExecutionOutcome): { errorCode: string; message: string; details?: unknown } {
  if (outcome.ok) throw new Error('expected a failure');
  return outcome;
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  executor = createToolExecutor({ allowedUpstreams: ['127.0.0.1/32'] });
});

afterAll(async () => {
  await executor.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('argument validation', () => {
  it('names the argument path and the expectation, and sends nothing', async () => {
    const outcome = failure(
      await executor.execute({ tool: tool(searchSchema), arguments: { query: 'x', limit: 2.5 } }),
    );
    expect(outcome.errorCode).toBe('INVALID_ARGUMENTS');
    expect(outcome.message).toBe("argument 'limit' must be integer");
    expect(outcome.details).toEqual({ problems: [{ path: 'limit', message: 'must be integer' }] });
    expect(upstream.requests).toHaveLength(0);
    expect(upstream.connections).toBe(0);
  });

  it('reports missing, unknown, enum, format and nested problems together', async () => {
    const outcome = failure(
      await executor.execute({
        tool: tool(searchSchema),
        arguments: { limit: 0, sort: 'up', email: 'nope', extra: 1, filters: { tags: ['a', 2] } },
      }),
    );
    expect(outcome.errorCode).toBe('INVALID_ARGUMENTS');
    expect(outcome.message).toContain("argument 'query' is required");
    expect(outcome.message).toContain("argument 'extra' is not an accepted argument");
    expect(outcome.message).toContain("argument 'limit' must be >= 1");
    expect(outcome.message).toContain('argument \'sort\' must be one of "asc", "desc"');
    expect(outcome.message).toContain('and 1 more');
    const problems = (outcome.details as { problems: { path: string; message: string }[] }).problems;
    expect(problems).toContainEqual({ path: 'email', message: 'must match format "email"' });
    expect(problems).toContainEqual({ path: 'filters.tags[1]', message: 'must be string' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('validates recursive $ref schemas', async () => {
    const bad = failure(
      await executor.execute({
        tool: tool(treeSchema, '1', 'tree'),
        arguments: { root: { value: 1, children: [{ value: 2, children: [{ value: 'three' }] }] } },
      }),
    );
    expect(bad.message).toBe("argument 'root.children[0].children[0].value' must be integer");
    const good = await executor.execute({
      tool: tool(treeSchema, '1', 'tree'),
      arguments: { root: { value: 1, children: [{ value: 2, children: [] }] } },
    });
    expect(good.ok).toBe(true);
    expect(upstream.requests).toHaveLength(1);
  });

  it('accepts draft-07 schemas with tuple items', async () => {
    const schema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } },
    };
    const outcome = failure(
      await executor.execute({ tool: tool(schema, '1', 'pair'), arguments: { pair: [1, 2] } }),
    );
    expect(outcome.message).toBe("argument 'pair[0]' must be string");
  });

  it.each([
    ['a string', 'text', 'string'],
    ['an array', [1], 'an array'],
    ['null', null, 'null'],
    ['a number', 42, 'number'],
  ])('rejects %s as arguments', async (_label, args, kind) => {
    const outcome = failure(await executor.execute({ tool: tool(searchSchema), arguments: args }));
    expect(outcome.errorCode).toBe('INVALID_ARGUMENTS');
    expect(outcome.message).toBe(`arguments must be a JSON object, got ${kind}`);
    expect(upstream.requests).toHaveLength(0);
  });

  it('reports an invalid schema as INVALID_CONFIGURATION', async () => {
    const outcome = failure(
      await executor.execute({
        tool: tool({ type: 'object', properties: { a: { type: 'no-such-type' } } }, '1', 'broken'),
        arguments: {},
      }),
    );
    expect(outcome.errorCode).toBe('INVALID_CONFIGURATION');
    expect(outcome.message).toContain("Tool 'broken'");
    expect(upstream.requests).toHaveLength(0);
  });

  it('caches validators per id and version', async () => {
    const strict: JsonSchema = { type: 'object', properties: { n: { type: 'integer' } } };
    const loose: JsonSchema = { type: 'object', properties: { n: { type: 'string' } } };
    const first = await executor.execute({ tool: tool(strict, 'v1', 'cached'), arguments: { n: 'x' } });
    expect(first.ok).toBe(false);
    // Same id and version: the cached validator answers, whatever the object now says.
    const sameVersion = await executor.execute({ tool: tool(loose, 'v1', 'cached'), arguments: { n: 'x' } });
    expect(sameVersion.ok).toBe(false);
    const newVersion = await executor.execute({ tool: tool(loose, 'v2', 'cached'), arguments: { n: 'x' } });
    expect(newVersion.ok).toBe(true);
  });

  it('lets two tools share a schema $id', async () => {
    const withId = (type: string): JsonSchema => ({
      $id: 'https://schemas.test/args',
      type: 'object',
      properties: { v: { type } },
    });
    const a = await executor.execute({ tool: tool(withId('integer'), '1', 'id-a'), arguments: { v: 1 } });
    const b = await executor.execute({ tool: tool(withId('string'), '1', 'id-b'), arguments: { v: 'x' } });
    expect([a.ok, b.ok]).toEqual([true, true]);
  });

  it('reports a URL template argument that is missing', async () => {
    const missing: ExecutableTool = {
      id: 'path-param',
      version: '1',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: `${upstream.origin}/items/{{parameters.id}}` },
    };
    const outcome = failure(await executor.execute({ tool: missing, arguments: {} }));
    expect(outcome).toMatchObject({
      errorCode: 'INVALID_ARGUMENTS',
      message: "argument 'id' is required to build the request URL",
    });
    expect(upstream.requests).toHaveLength(0);
  });
});
