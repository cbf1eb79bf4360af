import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signUp } from '../test/helpers/fixtures.ts';
import { createTestApp } from '../test/helpers/test-app.ts';
import { addAuthMethod, addTool, createUtcpGateway, issueKey } from '../test/protocols/utcp/utcp-fixtures.ts';
import { type Measurement, measure, report } from './measure.ts';

const BODY = JSON.stringify({
  items: Array.from({ length: 10 }, (_, index) => ({ id: index, name: `item-${index}` })),
});
const ITERATIONS = { 1: 3_000, 16: 12_000 } as const;

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

/**
 * A tool call through UTCP (`POST …/tools/:name/invoke` over a real port: API-key authentication, scope and
 * per-tool rate-limit checks, argument validation, the upstream call and its execution record) against a
 * direct call of the same loopback upstream, at concurrency 1 and 16. Prints added latency (p50/p99) and
 * the throughput ratio against the targets; nothing is asserted.
 */
export async function benchUtcp(): Promise<void> {
  const upstream = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    response.end(BODY);
  });
  upstream.keepAliveTimeout = 60_000;
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const t = await createTestApp({
    listen: true,
    env: {
      ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32',
      MANAGEMENT_RATE_LIMIT: '100000000',
      GATEWAY_RATE_LIMIT: '100000000',
    },
  });
  try {
    const owner = await signUp(t.app, 'Bench');
    const gateway = await createUtcpGateway(t.app, owner, t.url, '/bench');
    await addTool(
      t.app,
      owner,
      gateway.id,
      {
        name: 'list_items',
        description: 'Lists items',
        type: 'http',
        parameters: {
          type: 'object',
          properties: { limit: { type: 'string', pattern: '^[0-9]+$' } },
          required: ['limit'],
          additionalProperties: false,
        },
        executionConfig: {
          method: 'GET',
          url: `${origin}/items`,
          queryParams: { limit: '{{parameters.limit}}' },
        },
      },
      // The largest limit allowed: checked on every call, never reached by the ~17 000 calls made here.
      { rateLimit: 100_000 },
    );
    await addAuthMethod(t.app, owner, gateway.id, 'api_key');
    const { key } = await issueKey(t.app, owner, gateway.id);

    const invokeUrl = `${gateway.url}/tools/list_items/invoke`;
    const invokeBody = JSON.stringify({ arguments: { limit: '10' } });
    const viaUtcp = async () => {
      const response = await fetch(invokeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: invokeBody,
      });
      if (response.status !== 200)
        throw new Error(`UTCP call failed: ${response.status} ${await response.text()}`);
      await response.json();
    };
    const direct = async () => {
      const response = await fetch(`${origin}/items?limit=10`);
      if (response.status !== 200) throw new Error(`direct call failed: ${response.status}`);
      await response.json();
    };

    for (const concurrency of [1, 16] as const) {
      const options = { iterations: ITERATIONS[concurrency], concurrency, warmup: 500 };
      const baseline = await measure(`direct upstream GET, concurrency ${concurrency}`, direct, options);
      const utcp = await measure(
        `UTCP invoke (key, limits, record), concurrency ${concurrency}`,
        viaUtcp,
        options,
      );
      await t.app.deps.executions.flush();
      report(`UTCP tool call vs direct upstream call (loopback), concurrency ${concurrency}`, baseline, [
        utcp,
      ]);
      printAdded(baseline, utcp, concurrency);
    }
  } finally {
    await t.close();
    upstream.close();
    upstream.closeAllConnections();
  }
}

function printAdded(baseline: Measurement, utcp: Measurement, concurrency: 1 | 16): void {
  const addedP50 = utcp.p50Ms - baseline.p50Ms;
  const addedP99 = utcp.p99Ms - baseline.p99Ms;
  const ratio = utcp.opsPerSecond / baseline.opsPerSecond;
  console.log(
    `added latency: p50 ${addedP50.toFixed(3)} ms, p99 ${addedP99.toFixed(3)} ms; throughput ratio ${ratio.toFixed(3)}`,
  );
  if (concurrency === 1) console.log(`target p50 added ≤ 1 ms at concurrency 1: ${verdict(addedP50 <= 1)}`);
  else console.log(`target throughput ≥ 0.5× direct at concurrency 16: ${verdict(ratio >= 0.5)}`);
}
