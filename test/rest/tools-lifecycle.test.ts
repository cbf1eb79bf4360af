import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/db-state.ts';
import { type Account, createGateway, createTool, httpTool, signUp } from '../helpers/fixtures.ts';
import { expectError, expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

// Listing, updating and deleting tools; creating them is in tools.test.ts.

let t: TestApp;
let owner: Account;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Tool Keepers');
});
afterAll(() => t.close());

const graphqlTool = (name: string, fields: Record<string, unknown> = {}) => ({
  name,
  description: 'Lists orders',
  type: 'graphql',
  parameters: { type: 'object', properties: { first: { type: 'integer' } } },
  executionConfig: { endpoint: 'https://api.example.com/graphql', query: '{ orders { id } }' },
  ...fields,
});
const update = (id: string, body: unknown) =>
  rest(t.app, 'PATCH', `/tools/${id}`, { caller: owner.caller, body });

describe('listing tools', () => {
  let lister: Account;
  let path: string;

  beforeAll(async () => {
    lister = await signUp(t.app, 'Listers');
    path = `/organizations/${lister.organizationId}/tools`;
    const bodies = [
      { ...httpTool(undefined, 'delta'), description: 'Deletes a record' },
      { ...httpTool(undefined, 'alpha'), description: 'Archives a record', status: 'inactive' },
      graphqlTool('charlie'),
      graphqlTool('bravo', { description: 'Finds ALPHA things', status: 'deprecated' }),
    ];
    for (const body of bodies) await createTool(t.app, lister, body);
  });

  const names = async (query = '') => {
    const page = expectOk(await rest(t.app, 'GET', `${path}${query}`, { caller: lister.caller }));
    return { ...page, tools: page.tools.map((tool: { name: string }) => tool.name) };
  };

  it('lists by name with pagination', async () => {
    expect(await names()).toEqual({
      tools: ['alpha', 'bravo', 'charlie', 'delta'],
      total: 4,
      page: 1,
      limit: 20,
      totalPages: 1,
    });
    expect(await names('?limit=3&page=2')).toEqual({
      tools: ['delta'],
      total: 4,
      page: 2,
      limit: 3,
      totalPages: 2,
    });
    expect(await names('?page=9')).toMatchObject({ tools: [], total: 4, page: 9 });
  });

  it('filters by search, type and status', async () => {
    expect((await names('?search=alpha')).tools).toEqual(['alpha', 'bravo']);
    expect((await names('?search=RECORD')).tools).toEqual(['alpha', 'delta']);
    expect((await names('?type=graphql')).tools).toEqual(['bravo', 'charlie']);
    expect((await names('?status=inactive')).tools).toEqual(['alpha']);
    expect(await names('?type=http&status=active&search=del')).toMatchObject({ tools: ['delta'], total: 1 });
    expect((await names('?search=nothing-like-this')).total).toBe(0);
  });

  it('matches the search text literally, LIKE wildcards included', async () => {
    const account = await signUp(t.app, 'Literal Search');
    const caller = account.caller;
    const bodies = [
      httpTool(undefined, 'snake_case'),
      httpTool(undefined, 'snakecase'),
      { ...httpTool(undefined, 'percent'), description: 'Reports 100% done' },
    ];
    for (const body of bodies) await createTool(t.app, account, body);
    const search = async (text: string) => {
      const query = `?search=${encodeURIComponent(text)}`;
      const page = expectOk(
        await rest(t.app, 'GET', `/organizations/${account.organizationId}/tools${query}`, { caller }),
      );
      return page.tools.map((tool: { name: string }) => tool.name);
    };
    expect(await search('_')).toEqual(['snake_case']);
    expect(await search('e_c')).toEqual(['snake_case']);
    expect(await search('%')).toEqual(['percent']);
    expect(await search('snake%case')).toEqual([]);
    expect(await search('\\')).toEqual([]);
    for (const endpoint of ['/snake_gw', '/snakegw']) await createGateway(t.app, caller, endpoint);
    const gateways = expectOk(await rest(t.app, 'GET', '/gateways?search=_', { caller })).gateways;
    expect(gateways.map((gateway: { endpoint: string }) => gateway.endpoint)).toEqual(['/snake_gw']);
  });

  it('refuses unknown filter values and bad pages', async () => {
    for (const query of ['?type=soap', '?status=broken', '?limit=101', '?page=0']) {
      expectError(await rest(t.app, 'GET', `${path}${query}`, { caller: lister.caller }), 'BAD_REQUEST');
    }
  });
});

describe('updating and deleting tools', () => {
  it('updates fields and clears the output schema with null', async () => {
    const tool = await createTool(t.app, owner, {
      ...httpTool(undefined, 'to_update'),
      outputSchema: { type: 'object' },
    });
    const updated = expectOk(
      await update(tool.id, {
        name: 'updated',
        description: 'New words',
        status: 'deprecated',
        parameters: { type: 'object' },
      }),
    );
    expect(updated).toMatchObject({
      name: 'updated',
      description: 'New words',
      status: 'deprecated',
      outputSchema: { type: 'object' },
    });
    expect(updated.parameters).toEqual({ type: 'object' });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(tool.updatedAt));
    expect(expectOk(await update(tool.id, { outputSchema: null })).outputSchema).toBeNull();
    const config = { method: 'POST', url: 'https://api.example.com/v2', timeout: 5000 };
    expect(expectOk(await update(tool.id, { executionConfig: config })).executionConfig).toEqual(config);
  });

  it('validates what it changes', async () => {
    const tool = await createTool(t.app, owner, httpTool(undefined, 'to_validate'));
    await createTool(t.app, owner, httpTool(undefined, 'taken_name'));
    const before = await countRows(t.app);
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ name: 'taken_name' }, "A tool named 'taken_name' already exists in this organization", 'CONFLICT'],
      [{ name: 'bad name' }, 'name: must be 1–64 characters'],
      [{ outputSchema: { type: 12 } }, 'outputSchema: is not a valid JSON Schema'],
      [{ parameters: { type: 'array' } }, 'parameters: must describe an object'],
      [{ executionConfig: { method: 'GET', url: 'relative' } }, 'executionConfig.url: must be an absolute'],
      [{ type: 'graphql' }, 'executionConfig: required when changing the type to graphql'],
      [{ type: 'mcp', executionConfig: {} }, "type: 'mcp' tools come from a registered MCP server"],
      [{ status: 'retired' }, 'status: '],
      [{ organizationId: owner.organizationId }, 'organizationId: is not a known field'],
    ];
    for (const [body, start, code] of cases) {
      expect(expectError(await update(tool.id, body), code ?? 'BAD_REQUEST')).toMatch(
        new RegExp(`^${literal(start)}`),
      );
    }
    expect(await countRows(t.app)).toEqual(before);
    const switched = {
      type: 'graphql',
      executionConfig: { endpoint: 'https://api.example.com/graphql', query: '{ a }' },
    };
    expect(expectOk(await update(tool.id, switched))).toMatchObject(switched);
  });

  it('removes a deleted tool from every gateway', async () => {
    const tool = await createTool(t.app, owner, httpTool(undefined, 'everywhere'));
    const kept = await createTool(t.app, owner, httpTool(undefined, 'kept'));
    const gateways = [
      await createGateway(t.app, owner.caller, '/first'),
      await createGateway(t.app, owner.caller, '/second'),
    ];
    for (const gateway of gateways) {
      const body = { toolIds: [tool.id, kept.id] };
      expectOk(
        await rest(t.app, 'POST', `/gateways/${gateway.id}/tools/bulk`, { caller: owner.caller, body }),
        201,
      );
    }
    const toolCounts = async () =>
      Promise.all(
        gateways.map(
          async (gateway) =>
            expectOk(await rest(t.app, 'GET', `/gateways/${gateway.id}`, { caller: owner.caller })).toolCount,
        ),
      );
    expect(await toolCounts()).toEqual([2, 2]);
    expect(
      expectOk(await rest(t.app, 'GET', `/tools/${tool.id}`, { caller: owner.caller })).gatewayCount,
    ).toBe(2);

    const deleted = await rest(t.app, 'DELETE', `/tools/${tool.id}`, { caller: owner.caller });
    expect(expectOk(deleted)).toEqual({ id: tool.id, deleted: true });
    expect(await toolCounts()).toEqual([1, 1]);
    expect(await t.app.deps.db.gatewayTool.count({ where: { toolId: tool.id } })).toBe(0);
    expectError(await rest(t.app, 'GET', `/tools/${tool.id}`, { caller: owner.caller }), 'NOT_FOUND');
    expectError(await rest(t.app, 'DELETE', `/tools/${tool.id}`, { caller: owner.caller }), 'NOT_FOUND');
    expect(
      expectOk(await rest(t.app, 'GET', `/tools/${kept.id}`, { caller: owner.caller })).gatewayCount,
    ).toBe(2);
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
