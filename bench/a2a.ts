import { signUp } from '../test/helpers/fixtures.ts';
import { expectOk, rest } from '../test/helpers/http.ts';
import { createTestApp } from '../test/helpers/test-app.ts';
import { BENCH_TOKEN, benchApiDescription, startBenchUpstream } from './bench-upstream.ts';
import { type Measurement, measure, report } from './measure.ts';

const ITERATIONS = { 1: 3_000, 16: 12_000 } as const;

function printAdded(baseline: Measurement, row: Measurement, concurrency: 1 | 16): void {
  const addedP50 = row.p50Ms - baseline.p50Ms;
  const ratio = row.opsPerSecond / baseline.opsPerSecond;
  const target =
    concurrency === 1
      ? `target p50 added ≤ 1 ms: ${addedP50 <= 1 ? 'met' : 'MISSED'}`
      : `target throughput ≥ 0.5× direct: ${ratio >= 0.5 ? 'met' : 'MISSED'}`;
  console.log(
    `  ${row.name}: added p50 ${addedP50.toFixed(3)} ms, p99 ${(row.p99Ms - baseline.p99Ms).toFixed(3)} ms, ` +
      `throughput ${ratio.toFixed(3)}× direct (${target})`,
  );
}

/**
 * A tool call through an A2A gateway (a blocking JSON-RPC `SendMessage` over a real port: API-key
 * authentication, scope and per-tool rate-limit checks, argument validation, the credentialed upstream
 * call, the execution record and the stored task) against a direct call of the same loopback upstream, at
 * concurrency 1 and 16. Prints throughput, p50/p99, the latency the gateway adds and the throughput ratio;
 * nothing is asserted. Client, gateway and upstream share one process, so the ratio also charges the
 * gateway for the client's and the upstream's CPU time.
 */
export async function benchA2a(): Promise<void> {
  const upstream = await startBenchUpstream();
  const t = await createTestApp({
    listen: true,
    env: {
      ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32',
      MANAGEMENT_RATE_LIMIT: '100000000',
      // The per-address gateway budget would otherwise stop a run that makes tens of thousands of calls.
      GATEWAY_RATE_LIMIT: '100000000',
    },
  });
  try {
    const owner = await signUp(t.app, 'Bench A2A');
    const caller = owner.caller;
    const api = expectOk(await rest(t.app, 'POST', '/apis', { caller, body: { name: 'Bench API' } }), 201);
    const imported = expectOk(
      await rest(t.app, 'POST', `/apis/${api.id}/import-schema`, {
        caller,
        body: { schemaContent: benchApiDescription(upstream.origin), generateTools: true },
      }),
    );
    expectOk(
      await rest(t.app, 'POST', `/apis/${api.id}/credentials`, {
        caller,
        body: { type: 'bearer', token: BENCH_TOKEN },
      }),
      201,
    );
    const tool = imported.tools.created[0] as { id: string; name: string };
    const gateway = expectOk(
      await rest(t.app, 'POST', '/gateways', {
        caller,
        body: { name: 'Bench A2A', type: 'a2a', endpoint: '/bench-a2a' },
      }),
      201,
    );
    expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, { caller, body: { toolId: tool.id } }),
      201,
    );
    // The largest allowed limit: checked on every call, never reached by this run.
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}/tools/${tool.id}`, {
        caller,
        body: { rateLimit: 100_000 },
      }),
    );
    expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth`, { caller, body: { type: 'api_key' } }),
      201,
    );
    const key = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller,
        body: { name: 'bench', scopes: ['tools:execute'] },
      }),
      201,
    );
    const gatewayUrl = `${t.url}/${owner.organizationSlug}/bench-a2a`;
    const headers = { 'content-type': 'application/json', 'x-api-key': key.key, 'a2a-version': '1.0' };
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: {
        message: {
          messageId: 'bench',
          role: 'ROLE_USER',
          parts: [{ data: { tool: tool.name, arguments: { limit: 10, q: 'bench' } } }],
        },
      },
    });
    const viaA2a = async () => {
      const response = await fetch(gatewayUrl, { method: 'POST', headers, body });
      const answer = (await response.json()) as { result?: { task?: { status?: { state?: string } } } };
      if (response.status !== 200 || answer.result?.task?.status?.state !== 'TASK_STATE_COMPLETED') {
        throw new Error(`A2A call failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
      }
    };

    for (const concurrency of [1, 16] as const) {
      const options = { iterations: ITERATIONS[concurrency], concurrency, warmup: 500 };
      const baseline = await measure(
        `direct fetch of the upstream (c=${concurrency})`,
        upstream.direct,
        options,
      );
      const a2a = await measure(`A2A SendMessage, blocking (c=${concurrency})`, viaA2a, options);
      report(`A2A gateway vs direct upstream call, concurrency ${concurrency}`, baseline, [a2a]);
      printAdded(baseline, a2a, concurrency);
    }
    await t.app.deps.executions.flush();
    const [recorded, stored] = await Promise.all([
      t.app.deps.db.execution.count({ where: { gatewayId: gateway.id } }),
      t.app.deps.db.a2aTask.count({ where: { gatewayId: gateway.id } }),
    ]);
    console.log(`execution records written: ${recorded}; tasks stored: ${stored}`);
  } finally {
    await t.close();
    await upstream.close();
  }
}
