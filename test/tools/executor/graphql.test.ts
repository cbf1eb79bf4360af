import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isReadOnlyDocument } from '../../../server/tools/executor/compiled-tools.ts';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { GraphqlExecutionConfig } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let executor: ToolExecutor;

function graphqlTool(config: Partial<GraphqlExecutionConfig>): ExecutableTool {
  return {
    id: 'graphql-tool',
    version: JSON.stringify(config),
    type: 'graphql',
    parameters: { type: 'object', properties: { id: { type: 'string' }, first: { type: 'integer' } } },
    executionConfig: {
      endpoint: upstream.url('/graphql'),
      query: 'query Item($id: ID!) { item(id: $id) { name } }',
      ...config,
    },
  };
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

describe('GraphQL tools', () => {
  it('posts the query with rendered variables and returns data', async () => {
    const outcome = await executor.execute({
      tool: graphqlTool({
        variables: {
          id: '{{parameters.id}}',
          first: '{{parameters.first}}',
          label: 'item-{{parameters.id}}',
          absent: '{{parameters.nope}}',
        },
        headers: { 'X-Tenant': 'acme' },
      }),
      arguments: { id: '42', first: 3 },
    });
    expect(outcome).toMatchObject({
      ok: true,
      upstreamStatus: 200,
      result: {
        echo: {
          query: 'query Item($id: ID!) { item(id: $id) { name } }',
          variables: { id: '42', first: 3, label: 'item-42' },
        },
      },
    });
    const [request] = upstream.requestsTo('/graphql');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-tenant']).toBe('acme');
  });

  it('sends the arguments as variables when none are configured', async () => {
    const outcome = await executor.execute({ tool: graphqlTool({}), arguments: { id: '7' } });
    expect(outcome).toMatchObject({ ok: true, result: { echo: { variables: { id: '7' } } } });
  });

  it('reports a non-empty errors array as GRAPHQL_ERRORS with the messages', async () => {
    const outcome = await executor.execute({ tool: graphqlTool({ query: '{ boom }' }), arguments: {} });
    expect(outcome).toMatchObject({
      ok: false,
      errorCode: 'GRAPHQL_ERRORS',
      upstreamStatus: 200,
      message: 'GraphQL endpoint reported 2 errors: Boom happened',
      details: {
        errors: [{ message: 'Boom happened', path: ['boom'], code: 'BOOM' }, { message: 'Second problem' }],
        partialData: false,
      },
    });
  });

  it('treats an empty errors array as success', async () => {
    upstream.route('/graphql', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/graphql-response+json' });
      response.end(JSON.stringify({ data: { ok: 1 }, errors: [] }));
    });
    const outcome = await executor.execute({ tool: graphqlTool({}), arguments: {} });
    expect(outcome).toMatchObject({ ok: true, result: { ok: 1 } });
  });

  it('reports a response that is not a GraphQL object', async () => {
    upstream.route('/graphql', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>login</html>');
    });
    const outcome = await executor.execute({ tool: graphqlTool({}), arguments: {} });
    expect(outcome).toMatchObject({
      ok: false,
      errorCode: 'UPSTREAM_ERROR',
      details: { body: '<html>login</html>' },
    });
  });

  it('reports HTTP errors from the endpoint as UPSTREAM_ERROR', async () => {
    const outcome = await executor.execute({
      tool: graphqlTool({ endpoint: upstream.url('/status?code=400') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 400 });
  });
});

describe('read-only GraphQL documents', () => {
  it.each([
    ['{ items { id } }', true],
    ['query A { a } query B { b }', true],
    ['# mutation in a comment\nquery { a(text: "mutation") }', true],
    ['mutation { create { id } }', false],
    ['query A { a } mutation B { b }', false],
    ['subscription { ticks }', false],
    ['fragment F on T { id }', false],
    ['not graphql {', false],
  ])('%j is read-only: %s', (query, expected) => {
    expect(isReadOnlyDocument(query)).toBe(expected);
  });
});
