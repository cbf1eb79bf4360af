import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import { expectOk, rest } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  issueKey,
  itemTool,
  send,
} from '../utcp/utcp-fixtures.ts';
import { createSkillsGateway, fetchIndex, getBytes, type SkillsGateway, sha256 } from './skills-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: SkillsGateway;
let reader: string;
let caller: string;
let executor: string;

beforeAll(async () => {
  t = await createPublicTestApp();
  upstream = await startUpstreamServer();
  owner = await signUp(t.app, 'Skills Access');
  gateway = await createSkillsGateway(t.app, owner, t.url, '/guarded');
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'read_item'));
  // Only keys with tools:execute may see or use this one (per-tool scope policy).
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'write_item'), {
    securityPolicy: { allowedScopes: ['tools:execute'] },
  });
  reader = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read'] })).key;
  caller = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read', 'tools:execute'] })).key;
  executor = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:execute'] })).key;
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const indexUrl = () => `${gateway.url}/.well-known/agent-skills/index.json`;
const fileUrl = (name: string) => `${gateway.url}/.well-known/agent-skills/${name}/SKILL.md`;

describe('credentials', () => {
  it('answers 401 with a challenge without a key, on the index and on the files', async () => {
    for (const url of [indexUrl(), fileUrl('read-item'), gateway.url]) {
      const answer = await send(url);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('UNAUTHORIZED');
      expect(answer.headers.get('www-authenticate')).toBe(
        `ApiKey realm="${owner.organizationSlug}/guarded", header="X-API-Key"`,
      );
    }
    expect((await send(indexUrl(), { headers: { 'x-api-key': 'almyty_gw_wrong' } })).status).toBe(401);
  });

  it('answers 403 to a key without tools:read', async () => {
    for (const url of [indexUrl(), fileUrl('read-item')]) {
      const answer = await send(url, { headers: { 'x-api-key': executor } });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({
        code: 'FORBIDDEN',
        message: "These credentials lack the 'tools:read' scope",
      });
    }
  });

  it("lists only the tools a key's scopes may use, under the same names for every key", async () => {
    const narrow = await fetchIndex(gateway.url, { 'x-api-key': reader });
    const wide = await fetchIndex(gateway.url, { 'x-api-key': caller });
    expect(narrow.skills.map((skill) => skill.name)).toEqual(['read-item']);
    expect(wide.skills.map((skill) => skill.name)).toEqual(['read-item', 'write-item']);
    expect(narrow.etag).not.toBe(wide.etag);
    expect((await send(fileUrl('write-item'), { headers: { 'x-api-key': reader } })).status).toBe(404);
    expect((await getBytes(fileUrl('write-item'), { 'x-api-key': caller })).status).toBe(200);
  });

  it('needs tools:execute to invoke: a reader gets 403 and nothing runs', async () => {
    const before = upstream.requests.length;
    const answer = await send(`${gateway.url}/tools/read_item/invoke`, {
      headers: { 'x-api-key': reader },
      body: { arguments: { id: '1' } },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('FORBIDDEN');
    expect(upstream.requests.length).toBe(before);
  });
});

describe('caching', () => {
  const headers = () => ({ 'x-api-key': caller });

  it('tags the index and files with the SHA-256 of their bytes and answers 304 to If-None-Match', async () => {
    const index = await getBytes(indexUrl(), headers());
    const etag = index.headers.get('etag')!;
    expect(etag).toBe(`"${sha256(index.bytes)}"`);
    expect(index.headers.get('cache-control')).toBe('private, no-cache');
    expect(index.headers.get('content-type')).toBe('application/json; charset=utf-8');
    for (const match of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await getBytes(indexUrl(), { ...headers(), 'if-none-match': match });
      expect(again.status, match).toBe(304);
      expect(again.bytes.length).toBe(0);
      expect(again.headers.get('etag')).toBe(etag);
    }
    expect((await getBytes(indexUrl(), { ...headers(), 'if-none-match': '"stale"' })).status).toBe(200);

    const file = await getBytes(fileUrl('read-item'), headers());
    const fileTag = file.headers.get('etag')!;
    expect(fileTag).toBe(`"${sha256(file.bytes)}"`);
    expect((await getBytes(fileUrl('read-item'), { ...headers(), 'if-none-match': fileTag })).status).toBe(
      304,
    );
  });

  it('changes the index tag when a tool is assigned, while unchanged files still answer 304', async () => {
    const before = await getBytes(indexUrl(), headers());
    const file = await getBytes(fileUrl('read-item'), headers());
    await addTool(t.app, owner, gateway.id, itemTool(upstream, 'late_item'));
    const after = await getBytes(indexUrl(), { ...headers(), 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.bytes.toString()).skills.map((skill: { name: string }) => skill.name)).toContain(
      'late-item',
    );
    const unchanged = await getBytes(fileUrl('read-item'), {
      ...headers(),
      'if-none-match': file.headers.get('etag')!,
    });
    expect(unchanged.status).toBe(304);
  });

  it('answers HEAD like GET without a body', async () => {
    const get = await getBytes(indexUrl(), headers());
    const head = await fetch(indexUrl(), { method: 'HEAD', headers: headers() });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('content-length')).toBe(String(get.bytes.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('routes', () => {
  it('serves the same index at the gateway URL, the well-known folder and the skills alias', async () => {
    const canonical = await getBytes(indexUrl(), { 'x-api-key': caller });
    const alias = `${t.url}/skills/${owner.organizationSlug}/guarded/.well-known/agent-skills/index.json`;
    for (const url of [gateway.url, `${gateway.url}/.well-known/agent-skills/`, alias]) {
      const answer = await getBytes(url, { 'x-api-key': caller });
      expect(answer.status, url).toBe(200);
      expect(answer.bytes.equals(canonical.bytes), url).toBe(true);
    }
  });

  it('answers 404 for unknown skills and paths, 405 for the wrong method', async () => {
    const headers = { 'x-api-key': caller };
    const missing = await send(fileUrl('no-such-skill'), { headers });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect(
      (await send(`${gateway.url}/.well-known/agent-skills/read-item/other.md`, { headers })).status,
    ).toBe(404);
    const post = await send(indexUrl(), { headers, body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const get = await send(`${gateway.url}/tools/read_item/invoke`, { headers });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 503 GATEWAY_UNAVAILABLE while the gateway is inactive', async () => {
    const patch = (status: string) =>
      rest(t.app, 'PATCH', `/gateways/${gateway.id}`, { caller: owner.caller, body: { status } });
    expectOk(await patch('inactive'));
    try {
      const answer = await send(indexUrl(), { headers: { 'x-api-key': caller } });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('GATEWAY_UNAVAILABLE');
    } finally {
      expectOk(await patch('active'));
    }
  });
});
