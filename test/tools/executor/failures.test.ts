import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { HttpExecutionConfig } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let executor: ToolExecutor;
const MAX_BYTES = 256 * 1024;

function httpTool(config: HttpExecutionConfig): ExecutableTool {
  return {
    id: `failing-${config.url}`,
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: config,
  };
}

function get(path: string, extra: Partial<HttpExecutionConfig> = {}) {
  return executor.execute({
    tool: httpTool({ method: 'GET', url: upstream.url(path), ...extra }),
    arguments: {},
  });
}

/** A port on 127.0.0.1 with nothing listening: bind, note the port, release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  executor = createToolExecutor({
    allowedUpstreams: ['127.0.0.1/32'],
    maxResponseBytes: MAX_BYTES,
    circuitBreaker: { failureThreshold: 0 },
  });
});

afterAll(async () => {
  await executor.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('upstream status errors', () => {
  it('reports 4xx as UPSTREAM_ERROR with status and a body excerpt', async () => {
    const outcome = await get('/status?code=404');
    expect(outcome).toMatchObject({
      ok: false,
      errorCode: 'UPSTREAM_ERROR',
      upstreamStatus: 404,
      message: 'Upstream responded with HTTP 404 Not Found',
      details: { contentType: 'application/json', bodyTruncated: false },
    });
    expect(outcome.ok || (outcome.details as { body: string }).body).toContain('"error":"status 404"');
  });

  it('reports 5xx as UPSTREAM_ERROR', async () => {
    const outcome = await get('/status?code=500');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 500 });
  });

  it('truncates large error bodies in details', async () => {
    upstream.route('/big-error', (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('e'.repeat(100_000));
    });
    const outcome = await get('/big-error');
    expect(outcome).toMatchObject({
      ok: false,
      errorCode: 'UPSTREAM_ERROR',
      upstreamStatus: 502,
      details: { bodyTruncated: true },
    });
    expect(outcome.ok || (outcome.details as { body: string }).body.length).toBe(2048);
  });
});

describe('timeouts', () => {
  it('fails with UPSTREAM_TIMEOUT when headers do not arrive in time', async () => {
    const outcome = await get('/delay?ms=5000', { timeout: 150 });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_TIMEOUT' });
    expect(outcome.ok || outcome.message).toContain('did not complete within 150 ms');
  });

  it('fails with UPSTREAM_TIMEOUT when a body trickles without end, and cuts the connection', async () => {
    const outcome = await get('/trickle?intervalMs=10', { timeout: 200 });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_TIMEOUT' });
    const stream = upstream.streams.find((record) => record.pathname === '/trickle');
    expect(stream).toBeDefined();
    await expect(stream?.closed).resolves.toMatchObject({ finishedWriting: false });
  });

  it('fails with UPSTREAM_TIMEOUT when the server never answers', async () => {
    const outcome = await get('/hang', { timeout: 100 });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_TIMEOUT' });
  });
});

describe('response size limit', () => {
  it('stops reading an oversized streamed body and cuts the connection', async () => {
    const outcome = await get('/huge?bytes=67108864');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'RESPONSE_TOO_LARGE' });
    expect(outcome.ok || outcome.message).toContain(`${MAX_BYTES} bytes`);
    const stream = upstream.streams.find((record) => record.pathname === '/huge');
    const closed = await stream?.closed;
    expect(closed?.finishedWriting).toBe(false);
    expect(closed?.bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('rejects a declared oversized body before reading it', async () => {
    const outcome = await get('/huge-declared');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'RESPONSE_TOO_LARGE' });
    const stream = upstream.streams.find((record) => record.pathname === '/huge-declared');
    await expect(stream?.closed).resolves.toMatchObject({ finishedWriting: false });
  });

  it('accepts a body right at the limit', async () => {
    const outcome = await get(`/huge?bytes=${MAX_BYTES}`);
    expect(outcome).toMatchObject({ ok: true, upstreamStatus: 200 });
    expect(outcome.ok && (outcome.result as string).length).toBe(MAX_BYTES);
  });
});

describe('network failures', () => {
  it('reports a connection reset as UPSTREAM_UNREACHABLE', async () => {
    const outcome = await get('/reset');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_UNREACHABLE' });
    expect(upstream.requestsTo('/reset')).toHaveLength(1);
  });

  it('reports a refused connection as UPSTREAM_UNREACHABLE', async () => {
    const port = await closedPort();
    const tool = httpTool({ method: 'GET', url: `http://127.0.0.1:${port}/x` });
    const outcome = await executor.execute({ tool, arguments: {} });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_UNREACHABLE' });
    expect(outcome.ok || outcome.message).toContain('connection refused');
  });

  it('gives up connecting after connectTimeoutMs, DNS included', async () => {
    const stalled = createToolExecutor({ connectTimeoutMs: 100, lookup: () => new Promise(() => undefined) });
    try {
      const tool = httpTool({ method: 'GET', url: 'http://slow-dns.test/x', timeout: 60_000 });
      const outcome = await stalled.execute({ tool, arguments: {} });
      expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_UNREACHABLE' });
      expect(outcome.ok || outcome.message).toContain(
        'Could not connect to GET http://slow-dns.test/x within 100 ms',
      );
    } finally {
      await stalled.close();
    }
  });

  it('rejects with the caller reason when the caller aborts mid-request', async () => {
    const controller = new AbortController();
    const reason = new Error('client disconnected');
    upstream.route('/abort-me', () => controller.abort(reason));
    const tool = httpTool({ method: 'GET', url: upstream.url('/abort-me') });
    await expect(executor.execute({ tool, arguments: {}, signal: controller.signal })).rejects.toBe(reason);
  });

  it('reports a name that does not resolve as UPSTREAM_UNREACHABLE', async () => {
    const local = createToolExecutor({
      lookup: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      },
    });
    try {
      const tool = httpTool({ method: 'GET', url: 'http://no-such-host.test/x' });
      const outcome = await local.execute({ tool, arguments: {} });
      expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_UNREACHABLE' });
      expect(outcome.ok || outcome.message).toContain('host name not found');
    } finally {
      await local.close();
    }
  });
});

describe('redirects', () => {
  it('follows redirects to the final response', async () => {
    const outcome = await get(
      `/redirect?to=${encodeURIComponent('/redirect?to=/json&status=307')}&status=301`,
    );
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, message: 'hello' } });
    expect(upstream.requests.map((request) => request.pathname)).toEqual(['/redirect', '/redirect', '/json']);
  });

  it('stops after maxRedirects', async () => {
    upstream.route('/loop', (_request, response) => {
      response.writeHead(302, { location: '/loop' });
      response.end();
    });
    const outcome = await get('/loop');
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 302 });
    expect(outcome.ok || outcome.message).toContain('redirected more than 5 times');
    expect(upstream.requestsTo('/loop')).toHaveLength(6);
  });

  it('turns a POST into a GET on 303 and keeps it on 307', async () => {
    const post = (status: number) =>
      executor.execute({
        tool: httpTool({
          method: 'POST',
          url: upstream.url(`/redirect?status=${status}&to=/echo`),
          body: { a: 1 },
        }),
        arguments: {},
      });
    const see = await post(303);
    expect(see).toMatchObject({ ok: true, result: { method: 'GET', body: '' } });
    const temporary = await post(307);
    expect(temporary).toMatchObject({ ok: true, result: { method: 'POST', body: '{"a":1}' } });
  });
});

describe('invalid configurations', () => {
  it('reports a URL that does not parse', async () => {
    const outcome = await executor.execute({
      tool: httpTool({ method: 'GET', url: 'not a url' }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_CONFIGURATION' });
  });

  it('reports an unsupported method', async () => {
    const tool = httpTool({ method: 'TRACE' as HttpExecutionConfig['method'], url: upstream.url('/json') });
    const outcome = await executor.execute({ tool, arguments: {} });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_CONFIGURATION' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('reports an argument that puts characters beyond Latin-1 into a header', async () => {
    const tool = httpTool({
      method: 'GET',
      url: upstream.url('/echo'),
      headers: { 'X-Name': 'name {{parameters.name}}' },
    });
    const outcome = await executor.execute({ tool, arguments: { name: 'snow ☃' } });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_ARGUMENTS' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('reports a missing execution config', async () => {
    const tool = {
      ...httpTool({ method: 'GET', url: upstream.url('/json') }),
      executionConfig: null,
    } as unknown as ExecutableTool;
    const outcome = await executor.execute({ tool, arguments: {} });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_CONFIGURATION' });
  });

  it('reports an argument that injects a line break into a header', async () => {
    const tool = httpTool({
      method: 'GET',
      url: upstream.url('/echo'),
      headers: { 'X-Name': '{{parameters.name}}' },
    });
    const outcome = await executor.execute({ tool, arguments: { name: 'a\r\nX-Injected: 1' } });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_ARGUMENTS' });
    expect(upstream.requests).toHaveLength(0);
  });
});
