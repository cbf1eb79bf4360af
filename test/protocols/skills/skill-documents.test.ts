import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSkill, validateSkill } from '../../helpers/agent-skills-validator.ts';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  executionsOf,
  issueKey,
  itemTool,
  serveItems,
  type ToolDefinition,
} from '../utcp/utcp-fixtures.ts';
import { curlRequest } from './curl-example.ts';
import {
  createSkillsGateway,
  fetchIndex,
  fetchSkillFile,
  getBytes,
  type IndexEntry,
  type SkillsGateway,
  sha256,
} from './skills-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let plain: SkillsGateway;
let prefixed: SkillsGateway;
let key: string;

const LONG_STEM = `l${'o'.repeat(58)}`;
const LONG_DESCRIPTION = `Creates an order: "quoted", 'single', #hash, a colon: here.\n---\n- a dash line\n${'More detail. '.repeat(240)}`;

/** An http tool answering with the upstream's echo of the request. */
function echoTool(name: string, extra: Partial<ToolDefinition> = {}): ToolDefinition {
  return {
    name,
    description: '',
    type: 'http',
    parameters: { type: 'object', properties: {} },
    executionConfig: { method: 'GET', url: upstream.url('/echo') },
    ...extra,
  };
}

const ORDER_PARAMETERS = {
  type: 'object',
  $defs: {
    address: {
      type: 'object',
      properties: {
        street: { type: 'string', description: 'Street | and number' },
        zip: { type: 'string', minLength: 5, maxLength: 5 },
      },
      required: ['street'],
    },
  },
  properties: {
    customer: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Full name' },
        email: { type: 'string', format: 'email' },
        address: { $ref: '#/$defs/address' },
      },
      required: ['name', 'email'],
    },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        required: ['sku', 'quantity'],
      },
    },
    priority: { enum: ['low', 'high'], default: 'low' },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['customer', 'items'],
  additionalProperties: false,
};

beforeAll(async () => {
  t = await createPublicTestApp();
  upstream = await startUpstreamServer();
  serveItems(upstream);
  owner = await signUp(t.app, 'Skills Documents');
  plain = await createSkillsGateway(t.app, owner, t.url, '/docs');
  prefixed = await createSkillsGateway(t.app, owner, t.url, '/team-docs', { skillPrefix: 'team-' });
  for (const gateway of [plain, prefixed]) await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  const tools = [
    itemTool(upstream, 'get_item'),
    echoTool('Get-Item'),
    echoTool('__Weird--Name__', { description: 'Odd   spacing\n\nacross lines' }),
    echoTool('___'),
    echoTool('on'),
    echoTool('No'),
    echoTool('0x1F'),
    echoTool('create_order', { description: LONG_DESCRIPTION, parameters: ORDER_PARAMETERS }),
  ];
  for (const tool of tools) await addTool(t.app, owner, plain.id, tool);
  const getItem = expectOk(
    await rest(t.app, 'GET', `/gateways/${plain.id}/tools`, { caller: owner.caller }),
  ).tools.find((entry: { tool: { name: string } }) => entry.tool.name === 'get_item');
  expectOk(
    await rest(t.app, 'POST', `/gateways/${prefixed.id}/tools`, {
      caller: owner.caller,
      body: { toolId: getItem.toolId },
    }),
    201,
  );
  for (const suffix of ['_wxyz', '_abcd'])
    await addTool(t.app, owner, prefixed.id, echoTool(`${LONG_STEM}${suffix}`));
  key = (await issueKey(t.app, owner, plain.id)).key;
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

async function servedSkills(gateway: SkillsGateway, apiKey: string) {
  const headers = { 'x-api-key': apiKey };
  const index = await fetchIndex(gateway.url, headers);
  const files = new Map<string, Buffer>();
  for (const entry of index.skills)
    files.set(entry.name, await fetchSkillFile(gateway.url, entry.name, headers));
  return { index, files };
}

function metadataOf(content: string): Record<string, string> {
  return parseSkill(content).frontMatter.metadata as Record<string, string>;
}

describe('the validator', () => {
  it('catches what the specification forbids', () => {
    const file = (frontMatter: string) => `---\n${frontMatter}\n---\n# Body\n`;
    expect(validateSkill(file('name: ok-name\ndescription: Does things.'), 'ok-name')).toEqual([]);
    expect(validateSkill(file('name: PDF--x\ndescription: d'), 'PDF--x').join()).toMatch(
      /lowercase.*consecutive/,
    );
    expect(validateSkill(file('name: -x\ndescription: d'), '-x').join()).toMatch(/start or end/);
    expect(validateSkill(file('name: a\ndescription: d'), 'b').join()).toMatch(/folder name 'b'/);
    expect(validateSkill(file(`name: ${'a'.repeat(65)}\ndescription: d`), 'a'.repeat(65)).join()).toMatch(
      /longer/,
    );
    expect(validateSkill(file(`name: a\ndescription: ${'d'.repeat(1025)}`), 'a').join()).toMatch(/1025/);
    expect(validateSkill(file('name: a\ndescription: d\nversion: "1"'), 'a').join()).toMatch(
      /unexpected.*version/,
    );
    expect(validateSkill(file('name: a\ndescription: d\nmetadata:\n  n: 1'), 'a').join()).toMatch(/metadata/);
    expect(validateSkill(file('name: on\ndescription: d'), 'on').join()).toMatch(/YAML 1.1 and 1.2/);
    expect(validateSkill('# no front matter', 'a').join()).toMatch(/front matter/);
  });
});

describe('SKILL.md files of a skills gateway', () => {
  it('pass the Agent Skills specification, one per tool, named after its folder', async () => {
    for (const [gateway, count] of [
      [plain, 8],
      [prefixed, 3],
    ] as const) {
      const { index, files } = await servedSkills(gateway, await gatewayKey(gateway));
      expect(index.skills).toHaveLength(count);
      const tools = new Set<string>();
      for (const entry of index.skills) {
        const content = files.get(entry.name)!.toString('utf8');
        expect(validateSkill(content, entry.name), `${entry.name}/SKILL.md:\n${content}`).toEqual([]);
        const { frontMatter } = parseSkill(content);
        expect(frontMatter.name).toBe(entry.name);
        expect(frontMatter.description).toBe(entry.description);
        tools.add(metadataOf(content)['toolgate-tool']!);
      }
      expect(tools.size).toBe(count);
      expect(new Set(index.skills.map((entry) => entry.name)).size).toBe(count);
    }
  });

  it('derive names from tool names: lowercase, hyphens, trimmed, prefixed, collisions told apart', async () => {
    const plainNames = await namesByTool(plain);
    expect(plainNames).toEqual({
      'Get-Item': 'get-item',
      get_item: `get-item-${sha256('get_item').slice(0, 8)}`,
      '__Weird--Name__': 'weird-name',
      ___: 'tool',
      on: 'on',
      No: 'no',
      '0x1F': '0x1f',
      create_order: 'create-order',
    });
    const prefixedNames = await namesByTool(prefixed);
    expect(prefixedNames.get_item).toBe('team-get-item');
    // Both long names are cut to the same 64 characters; the first in code-unit order keeps them.
    expect(prefixedNames[`${LONG_STEM}_abcd`]).toBe(`team-${LONG_STEM}`);
    const second = prefixedNames[`${LONG_STEM}_wxyz`]!;
    expect(second).toBe(`team-${LONG_STEM.slice(0, 50)}-${sha256(`${LONG_STEM}_wxyz`).slice(0, 8)}`);
    expect(second).toHaveLength(64);
  });

  it('keep descriptions within 1024 characters, saying what the tool does and when to use it', async () => {
    const { index, files } = await servedSkills(plain, key);
    const byTool = (tool: string) => {
      const entry = index.skills.find(
        (skill) => metadataOf(files.get(skill.name)!.toString())['toolgate-tool'] === tool,
      )!;
      return { entry, content: files.get(entry.name)!.toString('utf8') };
    };
    const order = byTool('create_order');
    expect(order.entry.description.length).toBeLessThanOrEqual(1024);
    expect(order.entry.description).toMatch(
      /^Creates an order: "quoted", 'single', #hash, a colon: here\. --- - a dash line More detail\./,
    );
    expect(order.entry.description).toMatch(
      /… Use it when a task calls for create order through the Gateway \/docs gateway \(tool create_order\)\.$/,
    );
    // The body keeps the whole description.
    expect(order.content).toContain(LONG_DESCRIPTION.trim());
    const bare = byTool('Get-Item');
    expect(bare.entry.description).toBe(
      'Calls the Get-Item tool (get item) of the Gateway /docs gateway over HTTP. Use it when a task calls for get item through the Gateway /docs gateway (tool Get-Item).',
    );
    expect(byTool('__Weird--Name__').entry.description).toMatch(/^Odd spacing across lines\. Use it when/);
  });

  it('put the invoke URL, method and auth under metadata, and table nested parameters', async () => {
    const { files } = await servedSkills(plain, key);
    const content = files.get('create-order')!.toString('utf8');
    expect(metadataOf(content)).toEqual({
      'toolgate-tool': 'create_order',
      'toolgate-gateway': plain.url,
      'toolgate-invoke-url': `${plain.url}/tools/create_order/invoke`,
      'toolgate-http-method': 'POST',
      'toolgate-auth': 'api_key (X-API-Key header)',
    });
    const table = content.split('## Parameters')[1]!.split('## Request')[0]!;
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `customer` | object | yes | — |',
      '| `customer.name` | string | yes | Full name. |',
      '| `customer.email` | string (email) | yes | — |',
      '| `customer.address` | object | no | — |',
      '| `customer.address.street` | string | yes | Street \\| and number. |',
      '| `customer.address.zip` | string | no | — |',
      '| `items` | array of object | yes | — |',
      '| `items[].sku` | string | yes | — |',
      '| `items[].quantity` | integer | yes | — |',
      '| `note` | string or null | no | — |',
      '| `priority` | string | no | One of `"low"`, `"high"`. Default `"low"`. |',
    ]);
    expect(files.get('on')!.toString()).toContain('This tool takes no parameters');
  });

  it('list digests of the exact bytes served, and serve the same bytes at both paths', async () => {
    const { index, files } = await servedSkills(plain, key);
    for (const entry of index.skills) {
      const bytes = files.get(entry.name)!;
      expect(entry.files).toEqual([{ path: 'SKILL.md', digest: `sha256:${sha256(bytes)}` }]);
      expect(entry.digest).toBe(`sha256:${sha256(`SKILL.md\0${sha256(bytes)}\n`)}`);
      const alias = await getBytes(`${plain.url}/skills/${entry.name}/SKILL.md`, { 'x-api-key': key });
      expect(alias.bytes.equals(bytes)).toBe(true);
      expect(alias.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(alias.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    }
    expect(JSON.parse(index.bytes.toString()).version).toBe('0.2.0');
  });

  it('render the same bytes every time, through the gateway and the management route', async () => {
    const first = await servedSkills(plain, key);
    // A gateway change reloads the served gateway, so the files are rendered again from the database.
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${plain.id}`, {
        caller: owner.caller,
        body: { description: 'Again' },
      }),
    );
    const second = await servedSkills(plain, key);
    expect(second.index.bytes.equals(first.index.bytes)).toBe(true);
    const managed = expectOk(
      await rest(t.app, 'GET', `/gateways/${plain.id}/skills`, { caller: owner.caller }),
    );
    expect(managed.skills.map((skill: { name: string }) => skill.name)).toEqual(
      first.index.skills.map((entry: IndexEntry) => entry.name),
    );
    for (const skill of managed.skills as { name: string; fileName: string; content: string }[]) {
      expect(skill.fileName).toBe(`${skill.name}/SKILL.md`);
      expect(Buffer.from(skill.content, 'utf8').equals(first.files.get(skill.name)!)).toBe(true);
    }
  });

  it('carry request examples that every tool accepts, recorded with source skills', async () => {
    const { files } = await servedSkills(plain, key);
    for (const [name, bytes] of files) {
      const request = curlRequest(bytes.toString('utf8'), { TOOLGATE_API_KEY: key });
      const response = await fetch(request.url, request);
      expect(response.status, `${name}: ${await response.clone().text()}`).toBe(200);
      const answer = (await response.json()) as { result: unknown; metadata: { toolName: string } };
      expect(answer.metadata.toolName).toBe(metadataOf(bytes.toString())['toolgate-tool']);
    }
    const order = (await executionsOf(t.app, plain.id)).filter(
      (record) => record.toolName === 'create_order',
    );
    expect(order.map((record) => [record.source, record.success])).toEqual([['skills', true]]);
    const echoed = upstream.requestsTo('/items').at(-1)!;
    expect(echoed.query.get('id')).toBe('example');
  });
});

const keys = new Map<string, string>();

async function gatewayKey(gateway: SkillsGateway): Promise<string> {
  if (gateway === plain) return key;
  let value = keys.get(gateway.id);
  if (!value) {
    value = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read'] })).key;
    keys.set(gateway.id, value);
  }
  return value;
}

async function namesByTool(gateway: SkillsGateway): Promise<Record<string, string>> {
  const { index, files } = await servedSkills(gateway, await gatewayKey(gateway));
  return Object.fromEntries(
    index.skills.map((entry) => [
      metadataOf(files.get(entry.name)!.toString())['toolgate-tool']!,
      entry.name,
    ]),
  );
}
