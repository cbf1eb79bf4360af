import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { HttpExecutionConfig, JsonSchema } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let executor: ToolExecutor;

function httpTool(config: HttpExecutionConfig, parameters: JsonSchema = { type: 'object' }): ExecutableTool {
  return {
    id: `tool-${config.method}-${config.url}`,
    version: '1',
    type: 'http',
    parameters,
    executionConfig: config,
  };
}

interface Echo {
  method: string;
  url: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
}

async function echo(
  config: Omit<HttpExecutionConfig, 'url'> & { url?: string },
  args: unknown,
): Promise<Echo> {
  const tool = httpTool({ url: upstream.url('/echo'), ...config });
  const outcome = await executor.execute({ tool, arguments: args });
  if (!outcome.ok) throw new Error(`${outcome.errorCode}: ${outcome.message}`);
  return outcome.result as Echo;
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

describe('successful calls', () => {
  it('returns parsed JSON with the upstream status', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: upstream.url('/json') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, message: 'hello' }, upstreamStatus: 200 });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns text bodies as strings', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: upstream.url('/text') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: 'plain text body', upstreamStatus: 200 });
  });

  it('decompresses gzip bodies and parses them by content type', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: upstream.url('/gzip') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: { compressed: true } });
  });

  it('returns binary bodies as base64 with their media type', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: upstream.url('/binary') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({
      ok: true,
      result: {
        contentType: 'image/png',
        encoding: 'base64',
        data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
      },
    });
  });

  it('returns null for HEAD without reading a body, whatever Content-Length says', async () => {
    upstream.route('/head', (_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(512 * 1024 * 1024),
      });
      response.end();
    });
    const outcome = await executor.execute({
      tool: httpTool({ method: 'HEAD', url: upstream.url('/head') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: null, upstreamStatus: 200 });
    expect(upstream.requests[0]?.method).toBe('HEAD');
  });

  it('returns null for 204 No Content', async () => {
    upstream.route('/empty', (_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const outcome = await executor.execute({
      tool: httpTool({ method: 'DELETE', url: upstream.url('/empty') }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: null, upstreamStatus: 204 });
  });

  it('treats undefined arguments as an empty object', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: upstream.url('/json') }),
      arguments: undefined,
    });
    expect(outcome.ok).toBe(true);
  });

  it('reuses pooled connections across calls', async () => {
    const pooled = createToolExecutor({ allowedUpstreams: ['127.0.0.1/32'] });
    try {
      const tool = httpTool({ method: 'GET', url: upstream.url('/json') });
      for (let index = 0; index < 10; index += 1) await pooled.execute({ tool, arguments: {} });
      expect(upstream.requestsTo('/json')).toHaveLength(10);
      // undici may open a second socket while the first one is being released, never one per call.
      expect(upstream.connections).toBeLessThanOrEqual(2);
    } finally {
      await pooled.close();
    }
  });
});

describe('request encoding', () => {
  it('percent-encodes path values and repeats array query parameters', async () => {
    const seen = await echo(
      {
        method: 'GET',
        url: `${upstream.url('/echo')}?fixed=1&path={{parameters.segment}}`,
        queryParams: {
          tag: '{{parameters.tags}}',
          q: 'search {{parameters.term}}',
          missing: '{{parameters.absent}}',
        },
      },
      { segment: 'a/b c?d', tags: ['x', 'y z'], term: 'café&more' },
    );
    expect(seen.url).toContain('path=a%2Fb%20c%3Fd');
    expect(seen.query).toEqual({
      fixed: ['1'],
      path: ['a/b c?d'],
      tag: ['x', 'y z'],
      q: ['search café&more'],
    });
  });

  it('percent-encodes values placed in the URL path', async () => {
    upstream.route('/items/a%2Fb%20c', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"matched":true}');
    });
    const tool = httpTool(
      { method: 'GET', url: `${upstream.origin}/items/{{parameters.id}}` },
      { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    );
    const outcome = await executor.execute({ tool, arguments: { id: 'a/b c' } });
    expect(outcome).toMatchObject({ ok: true, result: { matched: true } });
    expect(upstream.requests[0]?.url).toBe('/items/a%2Fb%20c');
  });

  it('renders headers, omitting absent ones and joining arrays', async () => {
    const seen = await echo(
      {
        method: 'GET',
        headers: {
          'X-Trace': '{{parameters.trace}}',
          'X-Missing': '{{parameters.nothing}}',
          'X-Mixed': 'id-{{parameters.n}}',
          'X-List': '{{parameters.list}}',
        },
      },
      { trace: 'abc', n: 7, list: ['a', 'b'] },
    );
    expect(seen.headers['x-trace']).toBe('abc');
    expect(seen.headers['x-mixed']).toBe('id-7');
    expect(seen.headers['x-list']).toBe('a, b');
    expect(seen.headers).not.toHaveProperty('x-missing');
    expect(seen.headers['user-agent']).toBe('Toolgate');
  });

  it('sends JSON bodies with raw argument types and drops absent keys', async () => {
    const seen = await echo(
      {
        method: 'POST',
        body: {
          name: '{{parameters.name}}',
          count: '{{parameters.count}}',
          tags: '{{parameters.tags}}',
          note: 'hi {{parameters.name}}',
          gone: '{{parameters.missing}}',
          fixed: true,
        },
      },
      { name: 'Ada', count: 3, tags: ['a', 'b'] },
    );
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body)).toEqual({
      name: 'Ada',
      count: 3,
      tags: ['a', 'b'],
      note: 'hi Ada',
      fixed: true,
    });
  });

  it('sends the whole arguments object for {{parameters}}', async () => {
    const seen = await echo({ method: 'PUT', body: '{{parameters}}' }, { a: 1, nested: { b: [true, null] } });
    expect(JSON.parse(seen.body)).toEqual({ a: 1, nested: { b: [true, null] } });
  });

  it('encodes form bodies with repeated array fields', async () => {
    const seen = await echo(
      {
        method: 'POST',
        bodyEncoding: 'form',
        body: { user: '{{parameters.user}}', role: '{{parameters.roles}}', skip: '{{parameters.none}}' },
      },
      { user: 'a b&c', roles: ['x', 'y'] },
    );
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen.body).toBe('user=a+b%26c&role=x&role=y');
  });

  it('encodes multipart bodies with a boundary', async () => {
    const seen = await echo(
      {
        method: 'POST',
        bodyEncoding: 'multipart',
        headers: { 'Content-Type': 'multipart/form-data' },
        body: { title: '{{parameters.title}}', meta: '{{parameters.meta}}' },
      },
      { title: 'Report', meta: { pages: 2 } },
    );
    const boundary = /boundary=(.+)$/.exec(seen.headers['content-type'] ?? '')?.[1];
    expect(boundary).toBeTruthy();
    expect(seen.body).toContain(`--${boundary}`);
    expect(seen.body).toMatch(/name="title"\r\n\r\nReport\r\n/);
    expect(seen.body).toMatch(/name="meta"\r\n\r\n\{"pages":2\}\r\n/);
  });

  it('sends text bodies as plain text', async () => {
    const seen = await echo(
      { method: 'POST', bodyEncoding: 'text', body: 'Hello {{parameters.who}}!' },
      { who: 'world' },
    );
    expect(seen.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(seen.body).toBe('Hello world!');
  });

  it('sends no body with GET even when one is configured', async () => {
    const seen = await echo({ method: 'GET', body: { a: '{{parameters.a}}' } }, { a: 1 });
    expect(seen.body).toBe('');
    expect(seen.headers).not.toHaveProperty('content-type');
  });

  it('drops framing headers a config tries to set', async () => {
    const seen = await echo(
      {
        method: 'POST',
        headers: { 'Content-Length': '999', 'Transfer-Encoding': 'chunked', Host: 'evil.test' },
        body: { a: 1 },
      },
      {},
    );
    expect(seen.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength('{"a":1}')));
    expect(seen.headers).not.toHaveProperty('transfer-encoding');
  });
});
