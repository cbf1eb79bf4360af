import { callTool } from '../server/services/tool-execution.ts';
import { createToolExecutor } from '../server/tools/executor/index.ts';
import { signUp } from '../test/helpers/fixtures.ts';
import { expectOk, rest } from '../test/helpers/http.ts';
import { createTestApp } from '../test/helpers/test-app.ts';
import { BENCH_TOKEN, benchApiDescription, startBenchUpstream } from './bench-upstream.ts';
import { measure, report } from './measure.ts';

const CALLS = { 1: 3_000, 16: 12_000 } as const;

/**
 * Tool calls without HTTP in front: the bare executor, and the full `callTool` path (cached tool and
 * decrypted credentials, argument validation, templating, the execution record and the live event)
 * against a direct `fetch` of the same loopback upstream, at concurrency 1 and 16.
 */
export async function benchToolCalls(): Promise<void> {
  const upstream = await startBenchUpstream();
  const t = await createTestApp({ env: { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32' } });
  const executor = createToolExecutor({ allowedUpstreams: ['127.0.0.1/32'] });
  try {
    const owner = await signUp(t.app, 'Bench');
    const api = expectOk(
      await rest(t.app, 'POST', '/apis', { caller: owner.caller, body: { name: 'Bench API' } }),
      201,
    );
    const imported = expectOk(
      await rest(t.app, 'POST', `/apis/${api.id}/import-schema`, {
        caller: owner.caller,
        body: { schemaContent: benchApiDescription(upstream.origin), generateTools: true },
      }),
    );
    expectOk(
      await rest(t.app, 'POST', `/apis/${api.id}/credentials`, {
        caller: owner.caller,
        body: { type: 'bearer', token: BENCH_TOKEN },
      }),
      201,
    );
    const toolId = imported.tools.created[0].id as string;
    const runtime = await t.app.deps.toolRuntime.load(toolId, owner.organizationId);
    if (!runtime) throw new Error('bench tool did not load');
    const args = { limit: 10, q: 'bench' };

    const viaExecutor = async () => {
      const outcome = await executor.execute({
        tool: runtime.executable,
        arguments: args,
        credentials: runtime.credentials,
      });
      if (!outcome.ok) throw new Error(`${outcome.errorCode}: ${outcome.message}`);
    };
    const viaCallTool = async () => {
      const outcome = await callTool(t.app.deps, {
        toolId,
        organizationId: owner.organizationId,
        arguments: args,
        source: 'direct',
      });
      if (!outcome?.ok) throw new Error(`callTool failed: ${JSON.stringify(outcome)}`);
    };
    for (const concurrency of [1, 16] as const) {
      const options = { iterations: CALLS[concurrency], concurrency, warmup: 500 };
      const direct = await measure('direct fetch of the upstream', upstream.direct, options);
      const bare = await measure('executor.execute (validation, credential)', viaExecutor, options);
      const full = await measure('callTool (+ cache, record, live event)', viaCallTool, options);
      report(`Tool calls in-process, concurrency ${concurrency} (target: callTool ≥ 0.7 of direct)`, direct, [
        bare,
        full,
      ]);
    }
    await t.app.deps.executions.flush();
  } finally {
    await executor.close();
    await t.close();
    await upstream.close();
  }
}
