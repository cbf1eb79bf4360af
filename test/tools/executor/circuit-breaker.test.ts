import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../../server/tools/executor/circuit-breaker.ts';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ToolExecutor } from '../../../server/tools/executor/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

describe('CircuitBreakers', () => {
  let now = 0;
  const breakers = () =>
    new CircuitBreakers({ failureThreshold: 3, cooldownMs: 1_000, maxTrackedOrigins: 10, now: () => now });

  beforeEach(() => {
    now = 0;
  });

  it('opens after consecutive failures and reports the remaining cooldown', () => {
    const circuits = breakers();
    for (let index = 0; index < 3; index += 1) {
      expect(circuits.acquire('http://a')).toEqual({ allowed: true });
      circuits.failed('http://a');
    }
    now = 400;
    expect(circuits.acquire('http://a')).toEqual({ allowed: false, retryInMs: 600, failures: 3 });
    expect(circuits.acquire('http://b')).toEqual({ allowed: true });
  });

  it('resets the count on success', () => {
    const circuits = breakers();
    circuits.failed('http://a');
    circuits.failed('http://a');
    circuits.succeeded('http://a');
    circuits.failed('http://a');
    circuits.failed('http://a');
    expect(circuits.stateOf('http://a')).toBe('closed');
  });

  it('lets one trial through after the cooldown and closes on success', () => {
    const circuits = breakers();
    for (let index = 0; index < 3; index += 1) circuits.failed('http://a');
    now = 1_000;
    expect(circuits.acquire('http://a')).toEqual({ allowed: true });
    expect(circuits.stateOf('http://a')).toBe('half_open');
    expect(circuits.acquire('http://a')).toMatchObject({ allowed: false, retryInMs: 0 });
    circuits.succeeded('http://a');
    expect(circuits.stateOf('http://a')).toBe('closed');
    expect(circuits.acquire('http://a')).toEqual({ allowed: true });
  });

  it('re-opens when the trial fails', () => {
    const circuits = breakers();
    for (let index = 0; index < 3; index += 1) circuits.failed('http://a');
    now = 1_500;
    circuits.acquire('http://a');
    circuits.failed('http://a');
    expect(circuits.stateOf('http://a')).toBe('open');
    now = 2_000;
    expect(circuits.acquire('http://a')).toMatchObject({ allowed: false, retryInMs: 500 });
  });

  it('frees the trial slot when a trial ends without a verdict', () => {
    const circuits = breakers();
    for (let index = 0; index < 3; index += 1) circuits.failed('http://a');
    now = 1_000;
    circuits.acquire('http://a');
    circuits.released('http://a');
    expect(circuits.acquire('http://a')).toEqual({ allowed: true });
  });

  it('does not extend the cooldown for failures of calls started before opening', () => {
    const circuits = breakers();
    for (let index = 0; index < 3; index += 1) circuits.failed('http://a');
    now = 900;
    circuits.failed('http://a');
    now = 1_000;
    expect(circuits.acquire('http://a')).toEqual({ allowed: true });
  });

  it('is disabled by a threshold of 0', () => {
    const circuits = new CircuitBreakers({
      failureThreshold: 0,
      cooldownMs: 1_000,
      maxTrackedOrigins: 10,
      now: () => now,
    });
    for (let index = 0; index < 10; index += 1) circuits.failed('http://a');
    expect(circuits.acquire('http://a')).toEqual({ allowed: true });
  });
});

describe('circuit breaking in the executor', () => {
  let upstream: UpstreamServer;
  let executor: ToolExecutor;
  let clock = 0;
  let healthy = false;

  const tool = (path: string, method: 'GET' | 'POST' = 'POST'): ExecutableTool => ({
    id: `breaker-${path}`,
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method, url: upstream.url(path), timeout: 100 },
  });

  beforeAll(async () => {
    upstream = await startUpstreamServer();
  });

  afterAll(async () => {
    await upstream.close();
  });

  afterEach(async () => {
    await executor.close();
  });

  beforeEach(() => {
    // A fresh executor per test: circuits start closed.
    executor = createToolExecutor({
      allowedUpstreams: ['127.0.0.1/32'],
      circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000 },
      now: () => clock,
    });
    upstream.reset();
    healthy = false;
    upstream.route('/service', (_request, response) => {
      response.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ healthy }));
    });
  });

  it('opens after N failures, fails fast without a request, and recovers after the cooldown', async () => {
    for (let index = 0; index < 3; index += 1) {
      expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
        errorCode: 'UPSTREAM_ERROR',
      });
    }
    const rejected = await executor.execute({ tool: tool('/service'), arguments: {} });
    expect(rejected).toMatchObject({
      ok: false,
      errorCode: 'CIRCUIT_OPEN',
      details: { origin: upstream.origin, retryInMs: 10_000 },
    });
    expect(upstream.requestsTo('/service')).toHaveLength(3);

    healthy = true;
    clock += 9_999;
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
      errorCode: 'CIRCUIT_OPEN',
    });
    clock += 1;
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
      ok: true,
      result: { healthy: true },
    });
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({ ok: true });
    expect(upstream.requestsTo('/service')).toHaveLength(5);
  });

  it('re-opens when the half-open trial fails', async () => {
    for (let index = 0; index < 3; index += 1)
      await executor.execute({ tool: tool('/service'), arguments: {} });
    clock += 10_000;
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
      errorCode: 'UPSTREAM_ERROR',
    });
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
      errorCode: 'CIRCUIT_OPEN',
    });
    expect(upstream.requestsTo('/service')).toHaveLength(4);
  });

  it('lets a single trial call through while half-open', async () => {
    for (let index = 0; index < 3; index += 1)
      await executor.execute({ tool: tool('/service'), arguments: {} });
    clock += 10_000;
    let release: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => {
      upstream.route('/service', (_request, response) => {
        resolve();
        release = () => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"trial":true}');
        };
      });
    });
    const trial = executor.execute({ tool: tool('/service'), arguments: {} });
    await arrived;
    expect(await executor.execute({ tool: tool('/service'), arguments: {} })).toMatchObject({
      errorCode: 'CIRCUIT_OPEN',
    });
    release();
    expect(await trial).toMatchObject({ ok: true, result: { trial: true } });
  });

  it('counts timeouts as failures but not 4xx answers', async () => {
    upstream.route('/client-error', (_request, response) => {
      response.writeHead(404);
      response.end();
    });
    for (let index = 0; index < 5; index += 1)
      await executor.execute({ tool: tool('/client-error'), arguments: {} });
    expect(await executor.execute({ tool: tool('/client-error'), arguments: {} })).toMatchObject({
      errorCode: 'UPSTREAM_ERROR',
    });

    for (let index = 0; index < 3; index += 1) {
      expect(await executor.execute({ tool: tool('/hang', 'GET'), arguments: {} })).toMatchObject({
        errorCode: 'UPSTREAM_TIMEOUT',
      });
    }
    // One circuit per origin: /client-error shares it with /hang.
    expect(await executor.execute({ tool: tool('/client-error'), arguments: {} })).toMatchObject({
      errorCode: 'CIRCUIT_OPEN',
    });
  });
});
