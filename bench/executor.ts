import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createToolExecutor } from '../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool } from '../server/tools/executor/types.ts';
import type { UpstreamCredential } from '../server/tools/types.ts';

const WARMUP_CALLS = 500;
const MEASURED_CALLS = { 1: 4_000, 16: 16_000 } as const;
const TOKEN = 'bench-token-0123456789';
const BODY = JSON.stringify({
  items: Array.from({ length: 10 }, (_, index) => ({ id: index, name: `item-${index}` })),
});

interface Figures {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** Runs `calls` invocations of `task` from `concurrency` workers and measures each one. */
async function measure(task: () => Promise<void>, calls: number, concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) {
      next += 1;
      const started = performance.now();
      await task();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    callsPerSecond: (calls / elapsed) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

function row(cells: (string | number)[]): string {
  const widths = [12, 10, 11, 9, 9];
  return cells.map((cell, index) => String(cell).padStart(widths[index] ?? 10)).join(' ');
}

/**
 * Compares `executor.execute` (argument validation, templating and a bearer credential) with a direct
 * `fetch` of the same loopback URL, at concurrency 1 and 16, and prints throughput, p50/p99 latency and
 * the executor/direct ratios. Prints figures only; nothing is asserted.
 */
export async function benchExecutor(): Promise<void> {
  const server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    response.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/items?limit=10&q=bench`;

  const executor = createToolExecutor({ allowedUpstreams: ['127.0.0.1/32'] });
  const tool: ExecutableTool = {
    id: 'bench-list-items',
    version: '1',
    type: 'http',
    parameters: {
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 100 },
        q: { type: 'string', minLength: 1 },
      },
      required: ['limit'],
      additionalProperties: false,
    },
    executionConfig: {
      method: 'GET',
      url: `http://127.0.0.1:${port}/items`,
      queryParams: { limit: '{{parameters.limit}}', q: '{{parameters.q}}' },
    },
  };
  const credentials: UpstreamCredential[] = [{ type: 'bearer', token: TOKEN }];

  const viaExecutor = async (): Promise<void> => {
    const outcome = await executor.execute({ tool, arguments: { limit: 10, q: 'bench' }, credentials });
    if (!outcome.ok) throw new Error(`executor call failed: ${outcome.errorCode} ${outcome.message}`);
  };
  const direct = async (): Promise<void> => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!response.ok) throw new Error(`direct call failed: ${response.status}`);
    await response.json();
  };

  try {
    console.log(
      'Tool executor vs direct fetch (loopback JSON GET; executor validates, templates, adds a bearer token)',
    );
    console.log(row(['concurrency', 'mode', 'calls/s', 'p50 ms', 'p99 ms']));
    for (const concurrency of [1, 16] as const) {
      const calls = MEASURED_CALLS[concurrency];
      await measure(direct, WARMUP_CALLS, concurrency);
      await measure(viaExecutor, WARMUP_CALLS, concurrency);
      const baseline = await measure(direct, calls, concurrency);
      const measured = await measure(viaExecutor, calls, concurrency);
      console.log(
        row([
          concurrency,
          'direct',
          baseline.callsPerSecond.toFixed(0),
          baseline.p50.toFixed(3),
          baseline.p99.toFixed(3),
        ]),
      );
      console.log(
        row([
          concurrency,
          'executor',
          measured.callsPerSecond.toFixed(0),
          measured.p50.toFixed(3),
          measured.p99.toFixed(3),
        ]),
      );
      console.log(
        row([
          concurrency,
          'ratio',
          (measured.callsPerSecond / baseline.callsPerSecond).toFixed(2),
          (measured.p50 / baseline.p50).toFixed(2),
          (measured.p99 / baseline.p99).toFixed(2),
        ]),
      );
    }
    console.log('ratio = executor / direct (throughput: higher is better; latency: lower is better)');
  } finally {
    await executor.close();
    server.close();
    server.closeAllConnections();
  }
}
