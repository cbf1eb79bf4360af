import type { Client as ClientV2 } from '@modelcontextprotocol/client';
import type { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  connectLegacyClient,
  connectModernClient,
  createMcpGateway,
  issueKey,
  itemTool,
  type McpGateway,
  modernRequest,
  send,
  TEST_ENV,
} from './mcp-fixtures.ts';

// Deliberately not created in order, and mixing cases, digits, '-' and '_'.
const NAMES = ['zeta', 'Alpha', 'beta_2', 'beta-1', 'gamma', '9lives', 'delta'];
const ORDERED = NAMES.slice().sort();

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: McpGateway;
let headers: Record<string, string>;
let legacy: ClientV1;
let modern: ClientV2;
const toolIds = new Map<string, string>();

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Pages');
  gateway = await createMcpGateway(t.app, owner, t.url, { configuration: { pageSize: 3 } });
  for (const name of NAMES)
    toolIds.set(name, (await addTool(t.app, owner, gateway.id, itemTool(upstream, name))).id);
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  headers = { 'X-API-Key': (await issueKey(t.app, owner, gateway.id)).key };
  legacy = await connectLegacyClient(gateway.url, headers);
  modern = await connectModernClient(gateway.url, headers);
});

afterAll(async () => {
  await legacy?.close();
  await modern?.close();
  await t?.close();
  await upstream?.close();
});

describe('tools/list pagination (pageSize 3)', () => {
  it('walks every tool once, in name order, with opaque cursors (2025 client)', async () => {
    const pages: string[][] = [];
    const cursors: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await legacy.listTools(cursor === undefined ? undefined : { cursor });
      pages.push(page.tools.map((tool) => tool.name));
      cursor = page.nextCursor;
      if (cursor !== undefined) cursors.push(cursor);
    } while (cursor !== undefined);
    expect(pages).toEqual([ORDERED.slice(0, 3), ORDERED.slice(3, 6), ORDERED.slice(6)]);
    for (const value of cursors) expect(NAMES.some((name) => value.includes(name))).toBe(false);
  });

  it('gives a 2026 client the same pages, and its aggregating listTools() every tool', async () => {
    // The v2 client aggregates whenever no cursor is given, so the first page is fetched raw.
    const request = modernRequest('tools/list', {});
    const first = (
      await send(gateway.url, { body: request.body, headers: { ...request.headers, ...headers } })
    ).body.result;
    expect(first.tools.map((tool: { name: string }) => tool.name)).toEqual(ORDERED.slice(0, 3));
    const second = await modern.listTools({ cursor: first.nextCursor });
    expect(second.tools.map((tool) => tool.name)).toEqual(ORDERED.slice(3, 6));
    const all = await modern.listTools();
    expect(all.tools.map((tool) => tool.name)).toEqual(ORDERED);
  });

  it('answers the same cursor with the same page (any instance can serve the next page)', async () => {
    const { nextCursor } = await legacy.listTools();
    const again = await Promise.all([
      legacy.listTools({ cursor: nextCursor! }),
      legacy.listTools({ cursor: nextCursor! }),
    ]);
    expect(again[0]).toEqual(again[1]);
  });

  it('refuses a cursor it did not issue with InvalidParams', async () => {
    await expect(legacy.listTools({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: -32602 });
    const request = modernRequest('tools/list', { cursor: 'x'.repeat(5000) });
    const raw = await send(gateway.url, { body: request.body, headers: { ...request.headers, ...headers } });
    expect(raw.status).toBe(200);
    expect(raw.body.error).toMatchObject({ code: -32602 });
  });

  it('uses 100 per page when the gateway sets no pageSize', async () => {
    const plain = await createMcpGateway(t.app, owner, t.url);
    for (const name of ['one', 'two'])
      await addTool(t.app, owner, plain.id, itemTool(upstream, `${name}_${plain.id.slice(0, 4)}`));
    await addAuthMethod(t.app, owner, plain.id, 'none');
    const answer = await send(plain.url, { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(answer.body.result.tools).toHaveLength(2);
    expect(answer.body.result.nextCursor).toBeUndefined();
  });

  it('neither repeats nor skips a tool when the list changes between pages', async () => {
    const first = await legacy.listTools();
    expect(first.tools.map((tool) => tool.name)).toEqual(ORDERED.slice(0, 3));
    // Removing a tool of the page already read must not pull the next page's first tool back into it.
    const removed = ORDERED[1]!;
    expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/tools/${toolIds.get(removed)}`, {
        caller: owner.caller,
      }),
    );
    const fresh = await legacy.listTools();
    expect(fresh.tools.map((tool) => tool.name)).toEqual([ORDERED[0], ORDERED[2], ORDERED[3]]);
    const second = await legacy.listTools({ cursor: first.nextCursor! });
    expect(second.tools.map((tool) => tool.name)).toEqual(ORDERED.slice(3, 6));
  });
});
