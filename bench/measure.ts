import { performance } from 'node:perf_hooks';

export interface Measurement {
  name: string;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `operation` `iterations` times with `concurrency` callers after a warm-up, and reports throughput and
 * latency percentiles. Figures are only meaningful as ratios against a baseline measured in the same run.
 */
export async function measure(
  name: string,
  operation: () => Promise<unknown>,
  options: { iterations?: number; concurrency?: number; warmup?: number } = {},
): Promise<Measurement> {
  const iterations = options.iterations ?? 2_000;
  const concurrency = options.concurrency ?? 1;
  for (let i = 0; i < (options.warmup ?? Math.min(200, iterations)); i++) await operation();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < iterations) {
        next++;
        const begin = performance.now();
        await operation();
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))]!;
  return { name, opsPerSecond: (iterations / elapsed) * 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** Prints measurements as a table with each one's throughput as a ratio of `baseline`'s. */
export function report(title: string, baseline: Measurement, rows: Measurement[]): void {
  console.log(`\n${title}`);
  console.log(
    `${'case'.padEnd(52)} ${'ops/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ratio'.padStart(7)}`,
  );
  for (const row of [baseline, ...rows]) {
    console.log(
      `${row.name.padEnd(52)} ${row.opsPerSecond.toFixed(0).padStart(10)} ${row.p50Ms.toFixed(3).padStart(8)} ${row.p99Ms.toFixed(3).padStart(8)} ${(row.opsPerSecond / baseline.opsPerSecond).toFixed(3).padStart(7)}`,
    );
  }
}
