import '@utcp/http';
import { UtcpManualSchema } from '@utcp/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createUtcpGateway,
  itemTool,
  send,
  TEST_ENV,
  type UtcpGateway,
} from './utcp-fixtures.ts';

type Method = [type: string, configuration?: Record<string, unknown>, rules?: { requiredHeaders?: string[] }];

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let endpoints = 0;
const placeholder = (name: string) => `\${TOOLGATE_${name}}`;

/**
 * A gateway whose methods are `methods` followed by `none`, so the manual can be read without credentials
 * while its call templates mirror the first method a UTCP client can satisfy.
 */
async function manualOf(methods: Method[], tool = itemTool(upstream, `manual_item_${endpoints + 1}`)) {
  const gateway: UtcpGateway = await createUtcpGateway(t.app, owner, t.url, `/manual-${++endpoints}`);
  await addTool(t.app, owner, gateway.id, tool);
  for (const [type, configuration, rules] of [...methods, ['none'] as Method]) {
    await addAuthMethod(t.app, owner, gateway.id, type, configuration, rules);
  }
  const answer = await send(gateway.url);
  expect(answer.status).toBe(200);
  UtcpManualSchema.parse(answer.body);
  return { gateway, manual: answer.body };
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createTestApp({ listen: true, env: TEST_ENV });
  owner = await signUp(t.app, 'Manuals');
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

describe('UTCP manual', () => {
  it('mirrors the first usable auth method in every call template, skipping oauth2', async () => {
    const cases: [Method[], unknown][] = [
      [
        [['api_key', { keyHeader: 'X-Gateway-Key' }]],
        {
          auth_type: 'api_key',
          api_key: placeholder('API_KEY'),
          var_name: 'X-Gateway-Key',
          location: 'header',
        },
      ],
      [
        [['oauth2'], ['bearer_token']],
        {
          auth_type: 'api_key',
          api_key: `Bearer ${placeholder('API_KEY')}`,
          var_name: 'Authorization',
          location: 'header',
        },
      ],
      [
        [['jwt', { secret: 'jwt-secret-for-manual-tests-0123456789' }], ['api_key']],
        {
          auth_type: 'api_key',
          api_key: `Bearer ${placeholder('JWT')}`,
          var_name: 'Authorization',
          location: 'header',
        },
      ],
      [
        [['basic_auth']],
        { auth_type: 'basic', username: placeholder('USERNAME'), password: placeholder('PASSWORD') },
      ],
      [[], undefined],
    ];
    for (const [methods, auth] of cases) {
      const { manual } = await manualOf(methods);
      expect(manual.tools[0].tool_call_template.auth, JSON.stringify(methods)).toEqual(auth);
    }
  });

  it('asks for the required headers of that method as variables too', async () => {
    const { manual } = await manualOf([['api_key', {}, { requiredHeaders: ['X-Tenant'] }]]);
    expect(manual.tools[0].tool_call_template.headers).toEqual({
      'X-Toolgate-Body': 'arguments',
      'X-Tenant': placeholder('HEADER_X_TENANT'),
    });
  });

  it('uses the configured manual version and points every template at the public gateway URL', async () => {
    const { gateway, manual } = await manualOf([]);
    expect(manual.manual_version).toBe('1.0.0');
    expectOk(
      await rest(t.app, 'PATCH', `/gateways/${gateway.id}`, {
        caller: owner.caller,
        body: { configuration: { manualVersion: '2.3.0' } },
      }),
    );
    const updated = await send(`${gateway.url}/.well-known/utcp`);
    expect(updated.body.manual_version).toBe('2.3.0');
    expect(updated.body.tools[0].tool_call_template.url).toBe(
      `http://toolgate.test/${owner.organizationSlug}${gateway.endpoint}/tools/${updated.body.tools[0].name}/invoke`,
    );
  });

  it('keeps schema definitions resolvable and describes the invoke envelope as outputs', async () => {
    const tool = {
      ...itemTool(upstream, 'with_definitions'),
      parameters: {
        type: 'object',
        properties: { filter: { $ref: '#/$defs/filter' } },
        required: ['filter'],
        $defs: { filter: { type: 'object', properties: { name: { type: 'string' } } } },
      },
      outputSchema: { type: 'object', properties: { total: { type: 'integer' } } },
    };
    const { manual } = await manualOf([], tool);
    const [entry] = manual.tools;
    expect(entry.inputs).toEqual({
      type: 'object',
      properties: {
        arguments: {
          type: 'object',
          properties: { filter: { $ref: '#/$defs/filter' } },
          required: ['filter'],
        },
      },
      required: ['arguments'],
      $defs: tool.parameters.$defs,
    });
    expect(entry.outputs.properties.result).toEqual(tool.outputSchema);
    expect(entry.outputs.required).toEqual(['result', 'metadata']);
  });
});
