import { isIP } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ExecutionOutcome, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { LookupFunction } from '../../../server/tools/ssrf/dns.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

/**
 * Every payload below would reach one of the loopback listeners if the policy let it through: literal
 * spellings normalize to 127.0.0.1 or ::1, and the injected resolver maps test names to loopback (or to
 * 0.0.0.0 / ::ffff:127.0.0.1, which the kernel also delivers to the IPv4 listener).
 */
const NAMES: Record<string, string[]> = {
  'internal.test': ['127.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'v6.test': ['::1'],
  'zero.test': ['0.0.0.0'],
  'private.test': ['10.0.0.7'],
  'imds.test': ['169.254.169.254'],
  'cgnat.test': ['100.64.1.1'],
  'ula.test': ['fd00::1'],
  'linklocal6.test': ['fe80::1'],
  'nat64.test': ['64:ff9b::7f00:1'],
};

const lookup: LookupFunction = async (hostname) =>
  (NAMES[hostname] ?? ['127.0.0.1']).map((address) => ({ address, family: isIP(address) }));

/** `{P}` is the IPv4 listener's port, `{P6}` the IPv6 listener's. */
const LOOPBACK_V4 = [
  'http://127.0.0.1:{P}/json',
  'http://2130706433:{P}/json',
  'http://0177.0.0.1:{P}/json',
  'http://0x7f.1:{P}/json',
  'http://0x7f000001:{P}/json',
  'http://0X7F.0.0.1:{P}/json',
  'http://017700000001:{P}/json',
  'http://127.1:{P}/json',
  'http://127.0.1:{P}/json',
  'http://0177.1:{P}/json',
  'http://127.000.000.001:{P}/json',
  'http://127.0.0.1.:{P}/json',
  'http://127%2E0%2E0%2E1:{P}/json',
  'http://%31%32%37.0.0.1:{P}/json',
  'http://１２７.０.０.１:{P}/json',
  'http://[::ffff:127.0.0.1]:{P}/json',
  'http://[::ffff:7f00:1]:{P}/json',
  'http://[0:0:0:0:0:ffff:127.0.0.1]:{P}/json',
  'http://[::FFFF:7F00:0001]:{P}/json',
  'http://localhost:{P}/json',
  'http://LOCALHOST.:{P}/json',
  'http://internal.test:{P}/json',
  'http://INTERNAL.TEST.:{P}/json',
  'http://mapped.test:{P}/json',
  'https://127.0.0.1:{P}/json',
];

const LOOPBACK_V6 = [
  'http://[::1]:{P6}/json',
  'http://[0:0:0:0:0:0:0:1]:{P6}/json',
  'http://[0000:0000::0001]:{P6}/json',
  'http://[::0:1]:{P6}/json',
  'http://v6.test:{P6}/json',
];

/** Refused even when 127.0.0.1 is allowlisted (they would still land on the IPv4 listener). */
const ALWAYS_BLOCKED_LOCAL = [
  'http://0.0.0.0:{P}/json',
  'http://0:{P}/json',
  'http://0x0:{P}/json',
  'http://zero.test:{P}/json',
  'http://metadata.google.internal:{P}/json',
  'http://METADATA.google.internal.:{P}/json',
  'http://metadata:{P}/json',
  'http://metadata.goog:{P}/json',
  'http://instance-data:{P}/json',
  'http://user:pass@127.0.0.1:{P}/json',
  'http://127.0.0.1:{P}@internal.test:{P}/json',
];

/** Non-public destinations that are not loopback: refused before any connection is attempted. */
const PRIVATE_DESTINATIONS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://0xa9fea9fe/latest/meta-data/',
  'http://2852039166/latest/meta-data/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://240.0.0.1/',
  'http://[fc00::1]/',
  'http://[fe80::1]/',
  'http://[ff02::1]/',
  'http://[::]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[2002:7f00:1::]/',
  'http://[::7f00:1]/',
  'http://private.test/',
  'http://imds.test/',
  'http://cgnat.test/',
  'http://ula.test/',
  'http://linklocal6.test/',
  'http://nat64.test/',
];

const SCHEMES = [
  'file:///etc/passwd',
  'ftp://127.0.0.1/',
  'gopher://127.0.0.1:70/_x',
  'data:text/plain,hi',
  'ws://127.0.0.1/',
];

let v4: UpstreamServer;
let v6: UpstreamServer;
const executors: ToolExecutor[] = [];

function executorFor(allowedUpstreams: string[]): ToolExecutor {
  const executor = createToolExecutor({
    allowedUpstreams,
    lookup,
    connectTimeoutMs: 500,
    circuitBreaker: { failureThreshold: 0 },
  });
  executors.push(executor);
  return executor;
}

function fill(template: string): string {
  return template.replaceAll('{P6}', String(v6.port)).replaceAll('{P}', String(v4.port));
}

function call(executor: ToolExecutor, url: string): Promise<ExecutionOutcome> {
  const tool: ExecutableTool = {
    id: 'ssrf-probe',
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method: 'GET', url },
  };
  return executor.execute({ tool, arguments: {} });
}

function expectBlocked(outcome: ExecutionOutcome): void {
  expect(outcome).toMatchObject({ ok: false, errorCode: 'DESTINATION_BLOCKED' });
}

function expectNothingReached(): void {
  expect(v4.connections).toBe(0);
  expect(v6.connections).toBe(0);
  expect(v4.requests).toHaveLength(0);
  expect(v6.requests).toHaveLength(0);
}

beforeAll(async () => {
  v4 = await startUpstreamServer({ host: '127.0.0.1' });
  // Same port on both loopbacks, so a name resolving to either one lands on a listener.
  v6 = await startUpstreamServer({ host: '::1', port: v4.port });
});

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  await v4.close();
  await v6.close();
});

beforeEach(() => {
  v4.reset();
  v6.reset();
});

describe('SSRF payloads without an allowlist', () => {
  const strict = () => executorFor([]);

  it.each(LOOPBACK_V4)('blocks %s', async (template) => {
    const outcome = await call(strict(), fill(template));
    expectBlocked(outcome);
    expect(outcome.ok || outcome.message).toContain(
      'resolves to a non-public address; operators can allow it with ALLOWED_UPSTREAM_HOSTS',
    );
    expectNothingReached();
  });

  it.each(LOOPBACK_V6)('blocks %s', async (template) => {
    expectBlocked(await call(strict(), fill(template)));
    expectNothingReached();
  });

  it.each(ALWAYS_BLOCKED_LOCAL)('blocks %s', async (template) => {
    expectBlocked(await call(strict(), fill(template)));
    expectNothingReached();
  });

  it.each(PRIVATE_DESTINATIONS)('blocks %s', async (url) => {
    const outcome = await call(strict(), url);
    expectBlocked(outcome);
    expect(outcome.ok || outcome.message).toContain('ALLOWED_UPSTREAM_HOSTS');
  });

  it.each(SCHEMES)('refuses the scheme of %s', async (url) => {
    const outcome = await call(strict(), url);
    expectBlocked(outcome);
    expect(outcome.ok || outcome.message).toContain('Only http: and https:');
    expectNothingReached();
  });
});

describe('the same payloads with the loopback listener allowlisted', () => {
  it.each(LOOPBACK_V4.filter((template) => !template.startsWith('https')))(
    'reaches the listener through %s',
    async (template) => {
      const outcome = await call(executorFor(['127.0.0.1/32']), fill(template));
      expect(outcome).toMatchObject({ ok: true, result: { ok: true, message: 'hello' } });
      expect(v4.requestsTo('/json')).toHaveLength(1);
    },
  );

  it.each(LOOPBACK_V6)('reaches the IPv6 listener through %s', async (template) => {
    const outcome = await call(executorFor(['::1/128']), fill(template));
    expect(outcome).toMatchObject({ ok: true, result: { ok: true, message: 'hello' } });
    expect(v6.requestsTo('/json')).toHaveLength(1);
  });

  it('does not let an IPv4 allowlist open the IPv6 loopback', async () => {
    expectBlocked(await call(executorFor(['127.0.0.1/32']), fill('http://[::1]:{P6}/json')));
    expectNothingReached();
  });

  it.each(ALWAYS_BLOCKED_LOCAL)('still blocks %s', async (template) => {
    expectBlocked(await call(executorFor(['127.0.0.1/32']), fill(template)));
    expectNothingReached();
  });

  it('reaches a metadata hostname only when the operator lists that exact name', async () => {
    const url = fill('http://metadata.google.internal:{P}/json');
    expectBlocked(await call(executorFor(['127.0.0.0/8', 'metadata.goog']), url));
    expectNothingReached();
    expect(await call(executorFor(['metadata.google.internal']), url)).toMatchObject({ ok: true });
    expect(v4.requestsTo('/json')).toHaveLength(1);
  });

  it('applies the same rules with the system resolver', async () => {
    const system = (allowedUpstreams: string[]) => {
      const executor = createToolExecutor({ allowedUpstreams, circuitBreaker: { failureThreshold: 0 } });
      executors.push(executor);
      return executor;
    };
    expectBlocked(await call(system([]), fill('http://localhost:{P}/json')));
    expectNothingReached();
    // localhost may resolve to either loopback; both listeners serve /json on the same port.
    const outcome = await call(system(['127.0.0.1/32', '::1/128']), fill('http://localhost:{P}/json'));
    expect(outcome).toMatchObject({ ok: true, result: { ok: true } });
    expect(v4.requests.length + v6.requests.length).toBe(1);
  });

  it('lets an allowlisted hostname reach whatever it resolves to', async () => {
    expect(await call(executorFor(['internal.test']), fill('http://internal.test:{P}/json'))).toMatchObject({
      ok: true,
    });
    expectBlocked(await call(executorFor(['internal.test']), fill('http://127.0.0.1:{P}/json')));
  });
});
