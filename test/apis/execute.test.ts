import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Account, createGateway, createTool, signUp } from '../helpers/fixtures.ts';
import { expectError, expectOk, gql, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';

let t: TestApp;
let owner: Account;
let upstream: UpstreamServer;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createTestApp({ env: { ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32' } });
  owner = await signUp(t.app, 'Callers');
});
afterAll(async () => {
  await t.close();
  await upstream.close();
});
afterEach(() => upstream.reset());

const execute = (toolId: string, parameters: unknown, account = owner) =>
  rest(t.app, 'POST', `/organizations/${account.organizationId}/tools/${toolId}/execute`, {
    caller: account.caller,
    body: { parameters },
  });

async function records(toolId: string) {
  await t.app.deps.executions.flush();
  return t.app.deps.db.execution.findMany({ where: { toolId }, orderBy: { createdAt: 'asc' } });
}

describe('POST /organizations/:orgId/tools/:id/execute', () => {
  it('calls the upstream with the templated request and answers the documented shape', async () => {
    const tool = await createTool(t.app, owner, {
      name: 'echo_item',
      description: 'Echoes',
      type: 'http',
      parameters: {
        type: 'object',
        properties: { id: { type: 'string' }, limit: { type: 'integer' }, note: { type: 'string' } },
        required: ['id'],
      },
      executionConfig: {
        method: 'POST',
        url: `${upstream.origin}/echo?item={{parameters.id}}`,
        queryParams: { limit: '{{parameters.limit}}' },
        headers: { 'X-Note': '{{parameters.note}}' },
        body: { id: '{{parameters.id}}', limit: '{{parameters.limit}}' },
      },
    });
    const answer = await execute(tool.id, { id: 'a b', limit: 3, note: 'hi' });
    const data = expectOk(answer);
    expect(data.status).toBe('success');
    expect(typeof data.duration).toBe('number');
    const seen = upstream.requestsTo('/echo');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query.get('item')).toBe('a b');
    expect(seen[0]!.query.get('limit')).toBe('3');
    expect(seen[0]!.headers['x-note']).toBe('hi');
    expect(JSON.parse(seen[0]!.body)).toEqual({ id: 'a b', limit: 3 });
    const direct = await (await fetch(upstream.url('/json'))).json();
    const plain = await createTool(t.app, owner, {
      name: 'plain_json',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    expect(expectOk(await execute(plain.id, {})).result).toEqual(direct);
  });

  it('refuses invalid arguments with a 400 naming the argument, without calling the upstream', async () => {
    const tool = await createTool(t.app, owner, {
      name: 'typed_args',
      type: 'http',
      parameters: { type: 'object', properties: { limit: { type: 'integer' } }, required: ['limit'] },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    const answer = await execute(tool.id, { limit: 'many' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, status: 'error', errorCode: 'INVALID_ARGUMENTS' });
    expect(String((answer.body as unknown as { error: string }).error)).toContain('limit');
    expect(upstream.connections).toBe(0);
  });

  it('reports upstream failures as errors with a 502, and records every call exactly once', async () => {
    const tool = await createTool(t.app, owner, {
      name: 'flaky',
      type: 'http',
      parameters: { type: 'object', properties: { code: { type: 'integer' } } },
      executionConfig: { method: 'POST', url: `${upstream.origin}/status?code={{parameters.code}}` },
    });
    const failed = await execute(tool.id, { code: 500 });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({
      success: false,
      status: 'error',
      errorCode: 'UPSTREAM_ERROR',
      upstreamStatus: 500,
    });
    expectOk(await execute(tool.id, { code: 200 }));
    expect((await execute(tool.id, { code: 'x' })).status).toBe(400);
    const rows = await records(tool.id);
    expect(rows.map((row) => [row.success, row.errorCode, row.source, row.userId])).toEqual([
      [false, 'UPSTREAM_ERROR', 'direct', owner.userId],
      [true, null, 'direct', owner.userId],
      [false, 'INVALID_ARGUMENTS', 'direct', owner.userId],
    ]);
    expect(rows[0]!.upstreamStatus).toBe(500);
    expect(rows.every((row) => row.arguments === null && row.result === null)).toBe(true);
  });

  it('runs GraphQL tools and treats errors as failures', async () => {
    const tool = await createTool(t.app, owner, {
      name: 'graph_hello',
      type: 'graphql',
      parameters: { type: 'object', properties: { name: { type: 'string' } } },
      executionConfig: {
        endpoint: upstream.url('/graphql'),
        query: 'query Hello($name: String) { hello(name: $name) }',
      },
    });
    const answer = await execute(tool.id, { name: 'Ada' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(upstream.requestsTo('/graphql')).toHaveLength(1);
    expect(JSON.parse(upstream.requestsTo('/graphql')[0]!.body)).toMatchObject({
      variables: { name: 'Ada' },
    });
  });

  it('blocks private upstreams unless the operator allows them', async () => {
    const strict = await createTestApp();
    try {
      const account = await signUp(strict.app, 'No private');
      const tool = expectOk(
        await rest(strict.app, 'POST', `/organizations/${account.organizationId}/tools`, {
          caller: account.caller,
          body: {
            name: 'local',
            type: 'http',
            parameters: { type: 'object' },
            executionConfig: { method: 'GET', url: upstream.url('/json') },
          },
        }),
        201,
      );
      const answer = await rest(
        strict.app,
        'POST',
        `/organizations/${account.organizationId}/tools/${tool.id}/execute`,
        {
          caller: account.caller,
          body: { parameters: {} },
        },
      );
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ success: false, errorCode: 'DESTINATION_BLOCKED' });
      expect(String((answer.body as unknown as { error: string }).error)).toContain('ALLOWED_UPSTREAM_HOSTS');
      expect(upstream.connections).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('answers 404 for another organization’s tool and 403 for a viewer', async () => {
    const stranger = await signUp(t.app, 'Elsewhere');
    const tool = await createTool(t.app, owner, {
      name: 'private_tool',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    expectError(
      await rest(t.app, 'POST', `/organizations/${stranger.organizationId}/tools/${tool.id}/execute`, {
        caller: stranger.caller,
        body: {},
      }),
      'NOT_FOUND',
    );
    expectError(
      await rest(t.app, 'POST', `/organizations/${owner.organizationId}/tools/${tool.id}/execute`, {
        caller: stranger.caller,
        body: {},
      }),
      'NOT_FOUND',
    );
    expect(upstream.connections).toBe(0);
  });
});

describe('edited tools', () => {
  it('run the new definition from the next call on, and stop once deleted', async () => {
    const tool = await createTool(t.app, owner, {
      name: 'moving',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    expect(expectOk(await execute(tool.id, {})).result).toEqual({ ok: true, message: 'hello' });
    const moved = { executionConfig: { method: 'GET', url: upstream.url('/text') } };
    expectOk(await rest(t.app, 'PATCH', `/tools/${tool.id}`, { caller: owner.caller, body: moved }));
    expect(expectOk(await execute(tool.id, {})).result).toBe('plain text body');
    expect(upstream.requests.map((request) => request.pathname)).toEqual(['/json', '/text']);

    expectOk(await rest(t.app, 'DELETE', `/tools/${tool.id}`, { caller: owner.caller }));
    expectError(await execute(tool.id, {}), 'NOT_FOUND');
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('upstream credentials', () => {
  const CANARY = 'canary-secret-7f3a9c1e2b';

  it('are injected into calls and never appear in answers, fields, logs or errors', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '),
        );
      }),
    );
    try {
      const api = expectOk(
        await rest(t.app, 'POST', '/apis', {
          caller: owner.caller,
          body: { name: 'Pets with key', baseUrl: upstream.origin },
        }),
        201,
      );
      const petstore = readFileSync(
        new URL('../fixtures/openapi/petstore.3.0.yaml', import.meta.url),
        'utf8',
      );
      const imported = expectOk(
        await rest(t.app, 'POST', `/apis/${api.id}/import-schema`, {
          caller: owner.caller,
          body: { schemaContent: petstore, generateTools: true, prefix: 'keyed' },
        }),
      );
      const getPet = imported.tools.created.find(
        (tool: { name: string }) => tool.name === 'keyed_getPetById',
      );
      const answers: unknown[] = [];
      const saved = await rest(t.app, 'POST', `/apis/${api.id}/credentials`, {
        caller: owner.caller,
        body: { name: 'api_key', type: 'api_key', in: 'header', parameterName: 'api_key', value: CANARY },
      });
      answers.push(expectOk(saved, 201));
      expect(saved.body.data).toMatchObject({
        name: 'api_key',
        type: 'api_key',
        configuration: { in: 'header', parameterName: 'api_key' },
      });

      upstream.route('/pet/7', (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 7, name: 'Rex', sawKey: request.headers.api_key === CANARY }));
      });
      upstream.route('/pet/8', (request, response) => {
        // A hostile or careless upstream echoing the credential back in an error.
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `bad key ${String(request.headers.api_key)}` }));
      });
      const ok = await execute(getPet.id, { petId: 7 });
      answers.push(ok.body);
      expect(expectOk(ok).result).toEqual({ id: 7, name: 'Rex', sawKey: true });
      const failed = await execute(getPet.id, { petId: 8 });
      answers.push(failed.body);
      expect(failed.status).toBe(502);
      answers.push((await rest(t.app, 'GET', `/apis/${api.id}/credentials`, { caller: owner.caller })).body);
      answers.push((await rest(t.app, 'GET', `/tools/${getPet.id}`, { caller: owner.caller })).body);
      answers.push((await rest(t.app, 'GET', `/apis/${api.id}`, { caller: owner.caller })).body);
      answers.push(
        await gql(
          t.app,
          `query($id: ID!) { apiCredentials(apiId: $id) { id name type configuration } api(id: $id) { id name } }`,
          { id: api.id },
          owner.caller,
        ),
      );
      answers.push(
        await gql(
          t.app,
          `{ executions(limit: 100) { executions { errorCode arguments result } } }`,
          undefined,
          owner.caller,
        ),
      );
      expect(JSON.stringify(answers)).not.toContain(CANARY);
      const stored = await t.app.deps.db.apiCredential.findMany({ where: { apiId: api.id } });
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain(CANARY);
      expect(logged.join('\n')).not.toContain(CANARY);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('statistics', () => {
  it('summarizes calls per assigned tool of a gateway', async () => {
    const gateway = await createGateway(t.app, owner.caller, '/stats');
    const tool = await createTool(t.app, owner, {
      name: 'counted',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    const idle = await createTool(t.app, owner, {
      name: 'idle',
      type: 'http',
      parameters: { type: 'object' },
      executionConfig: { method: 'GET', url: upstream.url('/json') },
    });
    for (const id of [tool.id, idle.id])
      expectOk(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/tools`, {
          caller: owner.caller,
          body: { toolId: id },
        }),
        201,
      );
    const base = {
      organizationId: owner.organizationId,
      gatewayId: gateway.id,
      apiKeyId: null,
      userId: null,
      source: 'mcp' as const,
      upstreamStatus: 200,
    };
    const now = Date.now();
    for (const [success, durationMs, ago] of [
      [true, 10, 3000],
      [true, 30, 2000],
      [false, 50, 1000],
    ] as const) {
      t.app.deps.executions.record({
        ...base,
        toolId: tool.id,
        toolName: 'counted',
        success,
        errorCode: success ? null : 'UPSTREAM_ERROR',
        durationMs,
        createdAt: new Date(now - ago),
      });
    }
    await t.app.deps.executions.flush();
    const stats = expectOk(
      await rest(t.app, 'GET', `/gateways/${gateway.id}/tools/stats`, { caller: owner.caller }),
    ).stats;
    expect(stats).toEqual([
      {
        toolId: tool.id,
        toolName: 'counted',
        totalCalls: 3,
        successRate: 2 / 3,
        avgDuration: 30,
        lastCalledAt: new Date(now - 1000).toISOString(),
      },
      {
        toolId: idle.id,
        toolName: 'idle',
        totalCalls: 0,
        successRate: 0,
        avgDuration: 0,
        lastCalledAt: null,
      },
    ]);
  });
});
