import type { Client as ClientV2 } from '@modelcontextprotocol/client';
import type { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  connectLegacyClient,
  connectModernClient,
  createMcpGateway,
  itemTool,
  type McpGateway,
  serveItems,
  TEST_ENV,
} from './mcp-fixtures.ts';

const ITEM_OUTPUT = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'name'],
};
// Unusual but valid keywords must reach clients untouched, not normalized away.
const RICH_INPUT = {
  type: 'object',
  $defs: { Id: { type: 'string', pattern: '^[A-Z]-\\d+$' } },
  properties: { id: { $ref: '#/$defs/Id' }, mode: { enum: ['fast', 'exact'], default: 'fast' } },
  required: ['id'],
  additionalProperties: false,
  'x-vendor': { note: 'kept' },
};

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: McpGateway;
let legacy: ClientV1;
let modern: ClientV2;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  serveItems(upstream);
  upstream.route('/numbers', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('[1,2,3]');
  });
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Results');
  gateway = await createMcpGateway(t.app, owner, t.url);
  await addTool(t.app, owner, gateway.id, { ...itemTool(upstream, 'typed_item'), outputSchema: ITEM_OUTPUT });
  await addTool(t.app, owner, gateway.id, {
    ...itemTool(upstream, 'numbers', '/numbers'),
    outputSchema: { type: 'array', items: { type: 'number' } },
  });
  await addTool(t.app, owner, gateway.id, {
    ...itemTool(upstream, 'plain_text', '/text'),
    parameters: RICH_INPUT,
  });
  await addAuthMethod(t.app, owner, gateway.id, 'none');
  legacy = await connectLegacyClient(gateway.url, {});
  modern = await connectModernClient(gateway.url, {});
});

afterAll(async () => {
  await legacy?.close();
  await modern?.close();
  await t?.close();
  await upstream?.close();
});

describe('tool descriptions', () => {
  it('carry the stored input schema verbatim and an object output schema when there is one', async () => {
    for (const client of [legacy, modern]) {
      const { tools } = await client.listTools();
      const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
      expect(byName.typed_item?.outputSchema).toEqual(ITEM_OUTPUT);
      expect(byName.plain_text?.inputSchema).toEqual(RICH_INPUT);
      // An array output schema cannot describe structuredContent, which is always an object.
      expect(byName.numbers).not.toHaveProperty('outputSchema');
    }
  });
});

describe('tool results', () => {
  it('pass a result matching the output schema through as structuredContent (validated by both clients)', async () => {
    for (const client of [legacy, modern]) {
      const result = await client.callTool({ name: 'typed_item', arguments: { id: 'T-1' } });
      expect(result.structuredContent).toEqual({ id: 'T-1', name: 'Item T-1', tags: ['alpha', 'beta'] });
    }
  });

  it('wrap an array result as { result } in structuredContent and keep its JSON as text', async () => {
    for (const client of [legacy, modern]) {
      const result = await client.callTool({ name: 'numbers', arguments: { id: '1' } });
      expect(result.structuredContent).toEqual({ result: [1, 2, 3] });
      expect(result.content).toEqual([{ type: 'text', text: '[1,2,3]' }]);
    }
  });

  it('wrap a text result the same way', async () => {
    for (const client of [legacy, modern]) {
      const result = await client.callTool({ name: 'plain_text', arguments: { id: 'A-1' } });
      expect(result.structuredContent).toEqual({ result: 'plain text body' });
      expect(result.content).toEqual([{ type: 'text', text: '"plain text body"' }]);
    }
  });
});
