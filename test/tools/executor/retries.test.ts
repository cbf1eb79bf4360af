import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import { backoffDelayMs, parseRetryAfter } from '../../../server/tools/executor/retry.ts';
import type { ExecutableTool, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { HttpExecutionConfig, HttpMethod } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let executor: ToolExecutor;

function tool(
  method: HttpMethod,
  path: string,
  retries: number,
  extra: Partial<HttpExecutionConfig> = {},
): ExecutableTool {
  return {
    id: `retry-${method}-${path}`,
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method, url: upstream.url(path), retries, ...extra },
  };
}

/** Answers with the given statuses in order, then 200 for every later request. */
function script(path: string, statuses: number[], headers: Record<string, string> = {}): void {
  let index = 0;
  upstream.route(path, (_request, response) => {
    const status = statuses[index] ?? 200;
    index += 1;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify({ attempt: index }));
  });
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  executor = createToolExecutor({
    allowedUpstreams: ['127.0.0.1/32'],
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 4,
    maxRetries: 3,
    maxRetryAfterMs: 1_000,
    circuitBreaker: { failureThreshold: 0 },
  });
});

afterAll(async () => {
  await executor.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('retries', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const)(
    'retries %s on 502/503/504 until success',
    async (method) => {
      script('/flaky', [502, 503, 504]);
      const outcome = await executor.execute({ tool: tool(method, '/flaky', 3), arguments: {} });
      expect(outcome).toMatchObject({ ok: true, upstreamStatus: 200 });
      expect(upstream.requestsTo('/flaky')).toHaveLength(4);
    },
  );

  it.each(['POST', 'PATCH'] as const)('never retries %s', async (method) => {
    script('/flaky', [503, 503]);
    const outcome = await executor.execute({ tool: tool(method, '/flaky', 3), arguments: {} });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 503 });
    expect(upstream.requestsTo('/flaky')).toHaveLength(1);
  });

  it('caps the tool retries at maxRetries', async () => {
    script('/down', [503, 503, 503, 503, 503, 503, 503, 503]);
    const outcome = await executor.execute({ tool: tool('GET', '/down', 10), arguments: {} });
    expect(outcome).toMatchObject({ ok: false, upstreamStatus: 503 });
    expect(upstream.requestsTo('/down')).toHaveLength(4);
  });

  it('does not retry without configured retries', async () => {
    script('/flaky', [503]);
    await executor.execute({ tool: tool('GET', '/flaky', 0), arguments: {} });
    expect(upstream.requestsTo('/flaky')).toHaveLength(1);
  });

  it('does not retry other statuses', async () => {
    script('/broken', [500, 500]);
    const outcome = await executor.execute({ tool: tool('GET', '/broken', 3), arguments: {} });
    expect(outcome).toMatchObject({ ok: false, upstreamStatus: 500 });
    expect(upstream.requestsTo('/broken')).toHaveLength(1);
  });

  it('retries 429 when Retry-After is within the cap', async () => {
    script('/limited', [429], { 'retry-after': '0' });
    const outcome = await executor.execute({ tool: tool('GET', '/limited', 2), arguments: {} });
    expect(outcome).toMatchObject({ ok: true });
    expect(upstream.requestsTo('/limited')).toHaveLength(2);
  });

  it('returns 429 when Retry-After exceeds the cap', async () => {
    script('/limited', [429], { 'retry-after': '3600' });
    const outcome = await executor.execute({ tool: tool('GET', '/limited', 2), arguments: {} });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 429 });
    expect(upstream.requestsTo('/limited')).toHaveLength(1);
  });

  it('retries idempotent calls after a connection reset', async () => {
    let calls = 0;
    upstream.route('/unstable', (request, response) => {
      calls += 1;
      if (calls === 1) {
        request.socket.resetAndDestroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"recovered":true}');
    });
    const outcome = await executor.execute({ tool: tool('GET', '/unstable', 1), arguments: {} });
    expect(outcome).toMatchObject({ ok: true, result: { recovered: true } });
    expect(calls).toBe(2);
  });

  it('retries idempotent calls after a timeout', async () => {
    let calls = 0;
    upstream.route('/slow-once', (_request, response) => {
      calls += 1;
      if (calls === 1) return;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"second":true}');
    });
    const outcome = await executor.execute({
      tool: tool('GET', '/slow-once', 1, { timeout: 100 }),
      arguments: {},
    });
    expect(outcome).toMatchObject({ ok: true, result: { second: true } });
    expect(calls).toBe(2);
  });

  it('retries GraphQL queries but not mutations', async () => {
    script('/gql', [503, 503]);
    const graphql = (query: string): ExecutableTool => ({
      id: `gql-${query}`,
      version: '1',
      type: 'graphql',
      parameters: { type: 'object' },
      executionConfig: { endpoint: upstream.url('/gql'), query, retries: 2 },
    });
    const mutation = await executor.execute({ tool: graphql('mutation { create { id } }'), arguments: {} });
    expect(mutation).toMatchObject({ ok: false, upstreamStatus: 503 });
    expect(upstream.requestsTo('/gql')).toHaveLength(1);
    upstream.reset();
    let calls = 0;
    upstream.route('/gql', (_request, response) => {
      calls += 1;
      response.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: { items: [{ id: calls }] } }));
    });
    const query = await executor.execute({ tool: graphql('query Items { items { id } }'), arguments: {} });
    expect(query).toMatchObject({ ok: true, result: { items: [{ id: 2 }] } });
    expect(upstream.requestsTo('/gql')).toHaveLength(2);
  });

  it('stops waiting when the caller aborts during backoff', async () => {
    const slow = createToolExecutor({
      allowedUpstreams: ['127.0.0.1/32'],
      retryBaseDelayMs: 60_000,
      retryMaxDelayMs: 60_000,
      circuitBreaker: { failureThreshold: 0 },
    });
    try {
      script('/flaky', [503, 503]);
      const controller = new AbortController();
      const reason = new Error('caller went away');
      upstream.route('/flaky', (_request, response) => {
        response.writeHead(503);
        response.end();
        setImmediate(() => controller.abort(reason));
      });
      await expect(
        slow.execute({ tool: tool('GET', '/flaky', 3), arguments: {}, signal: controller.signal }),
      ).rejects.toBe(reason);
      expect(upstream.requestsTo('/flaky')).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});

describe('retry schedule', () => {
  const settings = { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

  it('doubles the backoff up to the maximum, jittered within the upper half', () => {
    expect([0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, settings, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect([0, 1, 2, 3, 4].map((retry) => backoffDelayMs(retry, settings, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
