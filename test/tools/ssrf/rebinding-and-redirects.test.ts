import { isIP } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ExecutionOutcome, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { LookupFunction } from '../../../server/tools/ssrf/dns.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let allowedSide: UpstreamServer;
let forbiddenSide: UpstreamServer;
let target: UpstreamServer;
let executor: ToolExecutor | undefined;

function answers(...addresses: string[]) {
  return addresses.map((address) => ({ address, family: isIP(address) }));
}

function call(url: string): Promise<ExecutionOutcome> {
  const tool: ExecutableTool = {
    id: 'rebinding-probe',
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method: 'GET', url },
  };
  if (!executor) throw new Error('executor not created');
  return executor.execute({ tool, arguments: {} });
}

function useExecutor(allowedUpstreams: string[], lookup: LookupFunction): void {
  executor = createToolExecutor({ allowedUpstreams, lookup, circuitBreaker: { failureThreshold: 0 } });
}

/** Answers and closes the connection, so every call needs a fresh connection (and a fresh lookup). */
function serveAndClose(server: UpstreamServer, name: string): void {
  server.route('/who', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ server: name }));
  });
}

beforeAll(async () => {
  allowedSide = await startUpstreamServer({ host: '127.0.0.1' });
  // Same port on the IPv6 loopback: only the resolved address decides which listener a call reaches.
  forbiddenSide = await startUpstreamServer({ host: '::1', port: allowedSide.port });
  target = await startUpstreamServer({ host: '127.0.0.1' });
});

afterAll(async () => {
  await allowedSide.close();
  await forbiddenSide.close();
  await target.close();
});

beforeEach(() => {
  for (const server of [allowedSide, forbiddenSide, target]) server.reset();
  serveAndClose(allowedSide, 'allowed');
  serveAndClose(forbiddenSide, 'forbidden');
});

afterEach(async () => {
  await executor?.close();
  executor = undefined;
});

describe('DNS rebinding', () => {
  it('checks every resolution of an alternating resolver against the connected address', async () => {
    let calls = 0;
    useExecutor(['127.0.0.1/32'], async () => {
      calls += 1;
      return answers(calls % 2 === 1 ? '127.0.0.1' : '::1');
    });
    const outcomes = [];
    for (let index = 0; index < 6; index += 1)
      outcomes.push(await call(`http://rebind.test:${allowedSide.port}/who`));
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.errorCode))).toEqual([
      'ok',
      'DESTINATION_BLOCKED',
      'ok',
      'DESTINATION_BLOCKED',
      'ok',
      'DESTINATION_BLOCKED',
    ]);
    expect(calls).toBe(6);
    expect(allowedSide.requestsTo('/who')).toHaveLength(3);
    expect(forbiddenSide.connections).toBe(0);
  });

  it('reaches the second listener through the same resolver once it is allowlisted', async () => {
    let calls = 0;
    useExecutor(['127.0.0.1/32', '::1/128'], async () => {
      calls += 1;
      return answers(calls % 2 === 1 ? '127.0.0.1' : '::1');
    });
    for (let index = 0; index < 4; index += 1) {
      expect(await call(`http://rebind.test:${allowedSide.port}/who`)).toMatchObject({ ok: true });
    }
    expect(allowedSide.requestsTo('/who')).toHaveLength(2);
    expect(forbiddenSide.requestsTo('/who')).toHaveLength(2);
  });

  it('connects to the address that was checked, not to a second answer', async () => {
    let calls = 0;
    // A check-then-connect implementation would resolve twice and connect to the second answer.
    useExecutor(['127.0.0.1/32'], async () => {
      calls += 1;
      return answers(calls === 1 ? '127.0.0.1' : '::1');
    });
    expect(await call(`http://rebind.test:${allowedSide.port}/who`)).toMatchObject({
      ok: true,
      result: { server: 'allowed' },
    });
    expect(calls).toBe(1);
    expect(await call(`http://rebind.test:${allowedSide.port}/who`)).toMatchObject({
      errorCode: 'DESTINATION_BLOCKED',
    });
    expect(forbiddenSide.connections).toBe(0);
  });

  it('uses only the allowed addresses of a mixed answer', async () => {
    useExecutor(['127.0.0.1/32'], async () => answers('::1', '127.0.0.1', '::ffff:7f00:1'));
    for (let index = 0; index < 3; index += 1) {
      expect(await call(`http://mixed.test:${allowedSide.port}/who`)).toMatchObject({
        ok: true,
        result: { server: 'allowed' },
      });
    }
    expect(forbiddenSide.connections).toBe(0);
  });

  it('keeps pooled connections on the addresses that were checked', async () => {
    let calls = 0;
    // undici may open a second connection while the first is being released, so two lookups answer
    // the allowed address; any later resolution would answer the forbidden one and fail the call.
    useExecutor(['127.0.0.1/32'], async () => {
      calls += 1;
      return answers(calls <= 2 ? '127.0.0.1' : '::1');
    });
    for (let index = 0; index < 6; index += 1) {
      expect(await call(`http://pooled.test:${allowedSide.port}/json`)).toMatchObject({ ok: true });
    }
    expect(calls).toBeLessThanOrEqual(2);
    expect(allowedSide.requestsTo('/json')).toHaveLength(6);
    expect(forbiddenSide.connections).toBe(0);
  });
});

describe('redirect chains', () => {
  const lookup: LookupFunction = async () => answers('127.0.0.1');

  const chain = (finalUrl: string) => {
    const second = `/redirect?status=307&to=${encodeURIComponent(finalUrl)}`;
    return `http://api.test:${allowedSide.port}/redirect?to=${encodeURIComponent(second)}`;
  };

  it.each([
    (port: number) => `http://127.0.0.1:${port}/json`,
    (port: number) => `http://localhost:${port}/json`,
    (port: number) => `http://2130706433:${port}/json`,
    (port: number) => `http://[::ffff:127.0.0.1]:${port}/json`,
    (port: number) => `http://0.0.0.0:${port}/json`,
    (port: number) => `http://metadata.google.internal:${port}/json`,
  ])('blocks a chain from an allowlisted host into a loopback port (%#)', async (finalUrl) => {
    useExecutor(['api.test'], lookup);
    const outcome = await call(chain(finalUrl(target.port)));
    expect(outcome).toMatchObject({ ok: false, errorCode: 'DESTINATION_BLOCKED' });
    expect(outcome.ok || outcome.message).toContain('ALLOWED_UPSTREAM_HOSTS');
    expect(allowedSide.requestsTo('/redirect')).toHaveLength(2);
    expect(target.connections).toBe(0);
  });

  it('blocks a redirect to another scheme', async () => {
    useExecutor(['api.test'], lookup);
    const outcome = await call(chain('file:///etc/passwd'));
    expect(outcome).toMatchObject({ ok: false, errorCode: 'DESTINATION_BLOCKED' });
  });

  it('follows the same chain when the target is allowlisted', async () => {
    useExecutor(['api.test', '127.0.0.1/32'], lookup);
    const outcome = await call(chain(`http://127.0.0.1:${target.port}/json`));
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, message: 'hello' } });
    expect(target.requestsTo('/json')).toHaveLength(1);
  });
});
