import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, PASSWORD, signUp } from '../../helpers/fixtures.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  executionsOf,
  issueKey,
  itemTool,
  send,
  serveItems,
} from '../utcp/utcp-fixtures.ts';
import { curlRequest } from './curl-example.ts';
import { createSkillsGateway, fetchSkillFile, type SkillsGateway } from './skills-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let keyed: SkillsGateway;
let basic: SkillsGateway;
let key: { id: string; key: string };

beforeAll(async () => {
  t = await createPublicTestApp();
  upstream = await startUpstreamServer();
  serveItems(upstream);
  owner = await signUp(t.app, 'Skills Invoke');
  keyed = await createSkillsGateway(t.app, owner, t.url, '/keyed');
  await addAuthMethod(t.app, owner, keyed.id, 'api_key', {}, { requiredHeaders: ['X-Tenant'] });
  await addTool(t.app, owner, keyed.id, itemTool(upstream, 'get_item'));
  key = await issueKey(t.app, owner, keyed.id);
  basic = await createSkillsGateway(t.app, owner, t.url, '/basic');
  await addAuthMethod(t.app, owner, basic.id, 'basic_auth');
  await addTool(t.app, owner, basic.id, itemTool(upstream, 'find_item'));
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

/** Runs the request example of a served SKILL.md as curl would, with `variables` in the environment. */
async function runExample(skill: string, variables: Record<string, string>) {
  const request = curlRequest(skill, variables);
  const response = await fetch(request.url, request);
  const body = (await response.json()) as { result: { name?: string }; metadata: Record<string, unknown> };
  return { request, status: response.status, body };
}

describe('the request example of a SKILL.md', () => {
  it('calls the tool through the gateway with a key and the required header, and returns the upstream result', async () => {
    const headers = { 'x-api-key': key.key, 'x-tenant': 'acme' };
    const skill = (await fetchSkillFile(keyed.url, 'get-item', headers)).toString('utf8');
    const variables = { TOOLGATE_API_KEY: key.key, TOOLGATE_HEADER_X_TENANT: 'acme' };
    const { request, status, body } = await runExample(skill, variables);
    expect(request).toMatchObject({
      method: 'POST',
      url: `${keyed.url}/tools/get_item/invoke`,
      headers: { 'content-type': 'application/json', 'x-api-key': key.key, 'x-tenant': 'acme' },
    });
    expect(JSON.parse(request.body!)).toEqual({ arguments: { id: 'example' } });
    expect(status).toBe(200);
    expect(body.result).toEqual({ id: 'example', name: 'Item example', tags: ['alpha', 'beta'] });
    expect(body.metadata).toMatchObject({ toolName: 'get_item', upstreamStatus: 200 });
    expect(upstream.requestsTo('/items').at(-1)!.query.get('id')).toBe('example');

    const records = await executionsOf(t.app, keyed.id);
    expect(
      records.map((record) => [record.source, record.toolName, record.success, record.apiKeyId]),
    ).toEqual([['skills', 'get_item', true, key.id]]);
  });

  it('calls with basic auth when that is the first method, as an organization member', async () => {
    const headers = {
      authorization: `Basic ${Buffer.from(`${owner.email}:${PASSWORD}`).toString('base64')}`,
    };
    const skill = (await fetchSkillFile(basic.url, 'find-item', headers)).toString('utf8');
    expect(skill).toContain('-u "$TOOLGATE_USERNAME:$TOOLGATE_PASSWORD"');
    const { status, body } = await runExample(skill, {
      TOOLGATE_USERNAME: owner.email,
      TOOLGATE_PASSWORD: PASSWORD,
    });
    expect(status).toBe(200);
    expect(body.result.name).toBe('Item example');
    const records = await executionsOf(t.app, basic.id);
    expect(records.map((record) => [record.source, record.userId])).toEqual([['skills', owner.userId]]);
  });
});

describe('the invoke route of a skills gateway', () => {
  const invoke = (tool: string, body: unknown, headers: Record<string, string> = {}) =>
    send(`${keyed.url}/tools/${tool}/invoke`, {
      headers: { 'x-api-key': key.key, 'x-tenant': 'acme', ...headers },
      body,
    });

  it('answers in the UTCP error form: unknown tool, invalid arguments, bad body, missing header', async () => {
    const before = (await executionsOf(t.app, keyed.id)).length;
    const unknown = await invoke('nope', { arguments: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'TOOL_NOT_FOUND', message: 'Unknown tool: nope' } });
    const invalid = await invoke('get_item', { arguments: { id: 5 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('INVALID_PARAMS');
    expect(invalid.body.error.message).toContain('id');
    const malformed = await invoke('get_item', '{"arguments":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toEqual({ code: 'INVALID_PARAMS', message: 'body: not valid JSON' });
    const headerless = await send(`${keyed.url}/tools/get_item/invoke`, {
      headers: { 'x-api-key': key.key },
      body: { arguments: { id: '1' } },
    });
    expect(headerless.status).toBe(403);
    expect(headerless.body.error.message).toBe('Missing required header X-Tenant');
    // Only the call that reached the executor (invalid arguments) left a record.
    const records = (await executionsOf(t.app, keyed.id)).slice(before);
    expect(records.map((record) => [record.source, record.errorCode])).toEqual([
      ['skills', 'INVALID_ARGUMENTS'],
    ]);
  });
});
