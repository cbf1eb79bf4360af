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
  executionsOf,
  issueKey,
  itemTool,
  type McpGateway,
  serveItems,
  TEST_ENV,
} from './mcp-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: McpGateway;
let key: { id: string; key: string };
let itemToolId: string;
let failingToolId: string;
let legacy: ClientV1;
let modern: ClientV2;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Clients');
  gateway = await createMcpGateway(t.app, owner, t.url, {
    endpoint: '/agents',
    description: 'Tools for the support agents',
    configuration: { serverName: 'support-tools', instructions: 'Look items up before answering.' },
  });
  itemToolId = (await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'))).id;
  failingToolId = (await addTool(t.app, owner, gateway.id, itemTool(upstream, 'broken_item', '/status'))).id;
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'hidden_item'), { enabled: false });
  // Exists in the organization but is not assigned to this gateway.
  expectOk(
    await rest(t.app, 'POST', `/organizations/${owner.organizationId}/tools`, {
      caller: owner.caller,
      body: itemTool(upstream, 'unassigned_item'),
    }),
    201,
  );
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = await issueKey(t.app, owner, gateway.id);
  legacy = await connectLegacyClient(gateway.url, { 'X-API-Key': key.key });
  modern = await connectModernClient(gateway.url, { 'X-API-Key': key.key });
});

afterAll(async () => {
  await legacy?.close();
  await modern?.close();
  await t?.close();
  await upstream?.close();
});

async function directItem(id: string): Promise<unknown> {
  const response = await fetch(upstream.url(`/items?id=${encodeURIComponent(id)}`));
  return response.json();
}

describe('a 2025-11-25 client (v1 SDK, initialize handshake)', () => {
  it('sees the configured server name and instructions', () => {
    expect(legacy.getServerVersion()?.name).toBe('support-tools');
    expect(legacy.getInstructions()).toBe('Look items up before answering.');
  });

  it('lists the assigned, enabled tools with their stored schemas', async () => {
    const { tools } = await legacy.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['broken_item', 'get_item']);
    expect(tools[1]).toEqual({
      name: 'get_item',
      description: 'Fetches an item by id (get_item)',
      inputSchema: itemTool(upstream, 'get_item').parameters,
    });
  });

  it('calls a tool and gets what a direct call of the upstream gets', async () => {
    const before = (await executionsOf(t.app, gateway.id)).length;
    const result = await legacy.callTool({ name: 'get_item', arguments: { id: 'A-1' } });
    const direct = await directItem('A-1');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(direct);
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(direct) }]);
    const records = (await executionsOf(t.app, gateway.id)).slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      toolId: itemToolId,
      source: 'mcp',
      apiKeyId: key.id,
      success: true,
      upstreamStatus: 200,
    });
  });

  it('gets an isError result with a safe message when the upstream fails', async () => {
    const before = (await executionsOf(t.app, gateway.id)).length;
    const result = await legacy.callTool({ name: 'broken_item', arguments: { id: 'x' } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: 'Upstream responded with HTTP 500 Internal Server Error' },
    ]);
    const records = (await executionsOf(t.app, gateway.id)).slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      toolId: failingToolId,
      source: 'mcp',
      apiKeyId: key.id,
      success: false,
      errorCode: 'UPSTREAM_ERROR',
    });
  });

  it('gets an isError result naming the problem for invalid arguments', async () => {
    const result = await legacy.callTool({ name: 'get_item', arguments: { id: 7 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/id/);
  });

  it.each(['hidden_item', 'unassigned_item', 'no_such_tool'])(
    'is told %s is an unknown tool, and nothing runs',
    async (name) => {
      const before = (await executionsOf(t.app, gateway.id)).length;
      await expect(legacy.callTool({ name, arguments: { id: '1' } })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining(`Unknown tool: ${name}`),
      });
      expect(await executionsOf(t.app, gateway.id)).toHaveLength(before);
    },
  );
});

describe('a 2026-07-28 client (v2 SDK, server/discover, stateless requests)', () => {
  it('negotiated the 2026 revision and sees the configured server', () => {
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(modern.getServerVersion()?.name).toBe('support-tools');
    expect(modern.getInstructions()).toBe('Look items up before answering.');
  });

  it('lists the same tools as the 2025 client', async () => {
    const [modernTools, legacyTools] = await Promise.all([modern.listTools(), legacy.listTools()]);
    expect(modernTools.tools).toEqual(legacyTools.tools);
  });

  it('calls a tool and gets what a direct call of the upstream gets', async () => {
    const before = (await executionsOf(t.app, gateway.id)).length;
    const result = await modern.callTool({ name: 'get_item', arguments: { id: 'B/2 ü' } });
    const direct = await directItem('B/2 ü');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(direct);
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(direct) }]);
    const records = (await executionsOf(t.app, gateway.id)).slice(before);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ toolId: itemToolId, source: 'mcp', apiKeyId: key.id, success: true });
  });

  it('gets an isError result when the upstream fails', async () => {
    const result = await modern.callTool({ name: 'broken_item', arguments: { id: 'x' } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: 'Upstream responded with HTTP 500 Internal Server Error' },
    ]);
  });

  it.each(['hidden_item', 'unassigned_item', 'no_such_tool'])(
    'is told %s is an unknown tool, and nothing runs',
    async (name) => {
      const before = (await executionsOf(t.app, gateway.id)).length;
      await expect(modern.callTool({ name, arguments: { id: '1' } })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining(`Unknown tool: ${name}`),
      });
      expect(await executionsOf(t.app, gateway.id)).toHaveLength(before);
    },
  );
});
