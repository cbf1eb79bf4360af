import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signUp } from '../test/helpers/fixtures.ts';
import { expectOk, rest } from '../test/helpers/http.ts';
import { createTestApp } from '../test/helpers/test-app.ts';
import { startUpstreamServer } from '../test/helpers/upstream-server.ts';
import { type Measurement, measure, report } from './measure.ts';

const WORKER_ROLE = 'mcp-bench-gateway';
const ITERATIONS = { 1: 3_000, 16: 12_000 } as const;
const ITEM = { id: 'bench-42', name: 'Bench item', tags: ['alpha', 'beta', 'gamma'], stock: 17 };
const ITEM_BODY = JSON.stringify(ITEM);

interface GatewayReady {
  gatewayUrl: string;
  apiKey: string;
}

/**
 * The gateway side, run in a worker thread: the whole server on its own event loop (and core), as a
 * deployed gateway runs apart from its clients and upstreams. Serves one `mcp` gateway protected by an
 * API key, with one tool calling `itemsUrl`; answers `stop` with the number of execution records written.
 */
async function serveGateway(itemsUrl: string): Promise<void> {
  const port = parentPort!;
  const t = await createTestApp({
    listen: true,
    env: {
      ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32',
      MANAGEMENT_RATE_LIMIT: '100000000',
      GATEWAY_RATE_LIMIT: '100000000',
    },
  });
  const owner = await signUp(t.app, 'Bench MCP');
  const caller = owner.caller;
  const gateway = expectOk(
    await rest(t.app, 'POST', '/gateways', {
      caller,
      body: { name: 'Bench MCP', type: 'mcp', endpoint: '/bench-mcp' },
    }),
    201,
  );
  const tool = expectOk(
    await rest(t.app, 'POST', `/organizations/${owner.organizationId}/tools`, {
      caller,
      body: {
        name: 'get_item',
        description: 'Fetches an item',
        type: 'http',
        parameters: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1 } },
          required: ['id'],
          additionalProperties: false,
        },
        executionConfig: { method: 'GET', url: itemsUrl, queryParams: { id: '{{parameters.id}}' } },
      },
    }),
    201,
  );
  expectOk(
    await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, { caller, body: { toolId: tool.id } }),
    201,
  );
  // The largest allowed per-tool limit: counted on every call, never reached by this run.
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
  port.once('message', async () => {
    await t.app.deps.executions.flush();
    const records = await t.app.deps.db.execution.count({ where: { gatewayId: gateway.id } });
    await t.close();
    port.postMessage({ records });
  });
  port.postMessage({
    gatewayUrl: `${t.url}/${owner.organizationSlug}/bench-mcp`,
    apiKey: key.key,
  } satisfies GatewayReady);
}

if (!isMainThread && workerData?.role === WORKER_ROLE) await serveGateway(workerData.itemsUrl);

function toolCallBody(modern: boolean): string {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const params = { name: 'get_item', arguments: { id: ITEM.id } };
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: modern ? { ...params, _meta: meta } : params,
  });
}

function toolCallHeaders(modern: boolean, apiKey: string): Record<string, string> {
  const common = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'x-api-key': apiKey,
  };
  return modern
    ? { ...common, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'get_item' }
    : { ...common, 'mcp-protocol-version': '2025-11-25' };
}

/** `measure` plus the CPU time (all threads: client, upstream and gateway) each call cost. */
async function measureWithCpu(
  name: string,
  operation: () => Promise<unknown>,
  options: { iterations: number; concurrency: number; warmup: number },
): Promise<Measurement & { cpuMicros: number }> {
  const before = process.cpuUsage();
  const measurement = await measure(name, operation, options);
  const used = process.cpuUsage(before);
  return { ...measurement, cpuMicros: (used.user + used.system) / (options.iterations + options.warmup) };
}

function printAdded(
  baseline: Measurement & { cpuMicros: number },
  row: Measurement & { cpuMicros: number },
  concurrency: number,
): void {
  const target = concurrency === 1 ? 'target: p50 added ≤ 1 ms' : 'target: throughput ≥ 0.5× direct';
  console.log(
    `  ${row.name}: added p50 ${(row.p50Ms - baseline.p50Ms).toFixed(3)} ms, p99 ${(row.p99Ms - baseline.p99Ms).toFixed(3)} ms, ` +
      `throughput ${(row.opsPerSecond / baseline.opsPerSecond).toFixed(2)}× direct (${target}); ` +
      `CPU per call ${row.cpuMicros.toFixed(0)} µs vs ${baseline.cpuMicros.toFixed(0)} µs direct`,
  );
}

/**
 * A tool call through an MCP gateway against a direct `fetch` of the same loopback upstream, at
 * concurrency 1 and 16, in both protocol eras: raw JSON-RPC `tools/call` POSTs with an API key, so
 * authentication, argument validation, a per-tool rate limit and the execution record all run. The
 * gateway serves from a worker thread; client and upstream share the main thread, which both cases load
 * alike. Prints throughput, p50/p99, the latency the gateway adds, the throughput ratio and the CPU time
 * per call (which other load on the machine moves much less than wall-clock figures); asserts nothing.
 */
export async function benchMcp(): Promise<void> {
  const upstream = await startUpstreamServer();
  upstream.route('/items', (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ITEM_BODY),
    });
    response.end(ITEM_BODY);
  });
  // Worker threads do not inherit tsx's loader, so the worker registers it before loading this module.
  const bootstrap = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
register();
await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: { role: WORKER_ROLE, itemsUrl: upstream.url('/items') },
  });
  const failed = once(worker, 'error').then(([error]) => {
    throw error;
  });
  // Raced against each answer below; a failure after the last one must not surface as unhandled.
  failed.catch(() => {});
  try {
    const [ready] = (await Promise.race([once(worker, 'message'), failed])) as [GatewayReady];
    const directUrl = upstream.url(`/items?id=${ITEM.id}`);
    const direct = async () => {
      const response = await fetch(directUrl);
      if (!response.ok) throw new Error(`direct call failed: ${response.status}`);
      await response.json();
    };
    const viaMcp = (modern: boolean) => {
      const body = toolCallBody(modern);
      const headers = toolCallHeaders(modern, ready.apiKey);
      return async () => {
        const response = await fetch(ready.gatewayUrl, { method: 'POST', headers, body });
        const answer = (await response.json()) as {
          result?: { isError?: boolean; structuredContent?: { id?: string } };
        };
        if (
          response.status !== 200 ||
          answer.result?.isError ||
          answer.result?.structuredContent?.id !== ITEM.id
        ) {
          throw new Error(`MCP call failed: ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
        }
      };
    };

    console.log(
      '\nMCP gateway (worker thread) vs direct upstream call; auth, validation, rate limit and records on',
    );
    // Both eras share most of the gateway's code: warm it all up (JIT, pools, caches) before the first
    // measurement, so neither era pays for it alone.
    for (const operation of [direct, viaMcp(false), viaMcp(true)]) {
      await measure('warm-up', operation, { iterations: 2_000, concurrency: 4, warmup: 0 });
    }
    for (const concurrency of [1, 16] as const) {
      const options = { iterations: ITERATIONS[concurrency], concurrency, warmup: 500 };
      const baseline = await measureWithCpu(
        `direct fetch of the upstream (c=${concurrency})`,
        direct,
        options,
      );
      const legacy = await measureWithCpu(
        `MCP tools/call, 2025-11-25 (c=${concurrency})`,
        viaMcp(false),
        options,
      );
      const modern = await measureWithCpu(
        `MCP tools/call, 2026-07-28 (c=${concurrency})`,
        viaMcp(true),
        options,
      );
      report(`concurrency ${concurrency}`, baseline, [legacy, modern]);
      for (const row of [legacy, modern]) printAdded(baseline, row, concurrency);
    }
    worker.postMessage('stop');
    const [{ records }] = (await Promise.race([once(worker, 'message'), failed])) as [{ records: number }];
    console.log(`execution records written by the gateway: ${records}`);
  } finally {
    await worker.terminate();
    await upstream.close();
  }
}
