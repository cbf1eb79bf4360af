import { HttpCallTemplateSerializer } from '@utcp/http';
import { UtcpClient, UtcpClientConfigSerializer, UtcpManualSchema } from '@utcp/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Account, joinAs, PASSWORD, signUp } from '../../helpers/fixtures.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  createUtcpGateway,
  executionsOf,
  issueKey,
  itemTool,
  send,
  serveItems,
  type UtcpGateway,
} from './utcp-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: UtcpGateway;
let key: { id: string; key: string };
const clients: UtcpClient[] = [];
// The placeholders the manual carries, filled by the client from its (manual-namespaced) variables.
const API_KEY = `\${TOOLGATE_API_KEY}`;
const USERNAME = `\${TOOLGATE_USERNAME}`;
const PASSWORD_VARIABLE = `\${TOOLGATE_PASSWORD}`;

/** A UTCP client that registers the gateway's manual as `manualName`, with `variables` for its placeholders. */
async function connect(
  url: string,
  manualName: string,
  variables: Record<string, string>,
  auth?: Record<string, string>,
) {
  const template = new HttpCallTemplateSerializer().validateDict({
    name: manualName,
    call_template_type: 'http',
    http_method: 'GET',
    url,
    ...(auth ? { auth } : {}),
  });
  const config = new UtcpClientConfigSerializer().validateDict({
    variables,
    manual_call_templates: [template],
  });
  const client = await UtcpClient.create(process.cwd(), config);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  // The SDK narrates every registration and call on the console.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  upstream = await startUpstreamServer();
  serveItems(upstream);
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'Sdk');
  gateway = await createUtcpGateway(t.app, owner, t.url, '/agents');
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'));
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  key = await issueKey(t.app, owner, gateway.id);
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await t?.close();
  await upstream?.close();
  vi.restoreAllMocks();
});

describe('UTCP SDK client against a gateway', () => {
  it('serves a manual the SDK accepts, at the gateway URL and at /.well-known/utcp', async () => {
    const atRoot = await send(gateway.url, { headers: { 'x-api-key': key.key } });
    const wellKnown = await send(`${gateway.url}/.well-known/utcp`, { headers: { 'x-api-key': key.key } });
    expect(atRoot.status).toBe(200);
    expect(wellKnown.body).toEqual(atRoot.body);
    const manual = UtcpManualSchema.parse(atRoot.body);
    expect(manual).toMatchObject({ utcp_version: '1.0.1', manual_version: '1.0.0' });
    expect(atRoot.body.tools).toEqual([
      {
        name: 'get_item',
        description: 'Fetches an item by id',
        inputs: {
          type: 'object',
          properties: { arguments: itemTool(upstream).parameters },
          required: ['arguments'],
        },
        outputs: expect.objectContaining({ type: 'object', required: ['result', 'metadata'] }),
        tags: ['agents'],
        tool_call_template: {
          call_template_type: 'http',
          url: `${gateway.url}/tools/get_item/invoke`,
          http_method: 'POST',
          content_type: 'application/json',
          body_field: 'arguments',
          headers: { 'X-Toolgate-Body': 'arguments' },
          auth: {
            auth_type: 'api_key',
            api_key: API_KEY,
            var_name: 'X-API-Key',
            location: 'header',
          },
        },
      },
    ]);
  });

  it('registers the manual with the key from its variables and calls a tool as a direct call would', async () => {
    const client = await connect(
      gateway.url,
      'catalog',
      { catalog_TOOLGATE_API_KEY: key.key },
      {
        auth_type: 'api_key',
        api_key: API_KEY,
        var_name: 'X-API-Key',
        location: 'header',
      },
    );
    expect((await client.getTools()).map((tool) => tool.name)).toEqual(['catalog.get_item']);

    const answer = await client.callTool('catalog.get_item', { arguments: { id: '99' } });
    const direct = await (await fetch(upstream.url('/items?id=99'))).json();
    expect(answer.result).toEqual(direct);
    expect(answer.metadata).toMatchObject({ toolName: 'get_item', upstreamStatus: 200 });

    const records = await executionsOf(t.app, gateway.id);
    expect(records.at(-1)).toMatchObject({
      toolName: 'get_item',
      source: 'utcp',
      apiKeyId: key.id,
      success: true,
    });
  });

  it('surfaces gateway refusals to the SDK: a manual that needs credentials, bad arguments', async () => {
    const anonymous = await connect(gateway.url, 'anonymous', {});
    expect(await anonymous.getTools()).toEqual([]);

    const client = await connect(
      gateway.url,
      'strict',
      { strict_TOOLGATE_API_KEY: key.key },
      {
        auth_type: 'api_key',
        api_key: API_KEY,
        var_name: 'X-API-Key',
        location: 'header',
      },
    );
    const failure = await client
      .callTool('strict.get_item', { arguments: {} })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      response: {
        status: 400,
        data: { error: { code: 'INVALID_PARAMS', message: "argument 'id' is required" } },
      },
    });
  });

  it('mirrors basic auth: an organization member calls with their email and password', async () => {
    const member = await joinAs(t.app, owner, 'member');
    const basic = await createUtcpGateway(t.app, owner, t.url, '/members');
    await addTool(t.app, owner, basic.id, itemTool(upstream, 'member_item'));
    await addAuthMethod(t.app, owner, basic.id, 'basic_auth');
    const client = await connect(
      basic.url,
      'team_tools',
      {
        team__tools_TOOLGATE_USERNAME: member.email,
        team__tools_TOOLGATE_PASSWORD: PASSWORD,
      },
      { auth_type: 'basic', username: USERNAME, password: PASSWORD_VARIABLE },
    );
    const tools = await client.getTools();
    expect(tools.map((tool) => tool.tool_call_template.auth)).toEqual([
      { auth_type: 'basic', username: USERNAME, password: PASSWORD_VARIABLE },
    ]);
    const answer = await client.callTool('team_tools.member_item', { arguments: { id: '5' } });
    expect(answer.result).toEqual({ id: '5', name: 'Item 5', tags: ['alpha', 'beta'] });
    const records = await executionsOf(t.app, basic.id);
    expect(records).toMatchObject([{ source: 'utcp', userId: member.userId, apiKeyId: null, success: true }]);
  });
});
