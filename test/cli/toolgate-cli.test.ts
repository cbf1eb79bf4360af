import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../helpers/fixtures.ts';
import { expectOk, rest } from '../helpers/http.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';
import {
  createSkillsGateway,
  fetchIndex,
  fetchSkillFile,
  type SkillsGateway,
} from '../protocols/skills/skills-fixtures.ts';
import {
  addAuthMethod,
  addTool,
  createPublicTestApp,
  issueKey,
  itemTool,
} from '../protocols/utcp/utcp-fixtures.ts';
import { CliProcess, runCli, stopRunningCli } from './cli-process.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: SkillsGateway;
let ref: string;
let key: string;
let root: string;
let env: Record<string, string>;
let project: string;
const OWN_SKILL = '---\nname: my-own\ndescription: Written by hand.\n---\n# Mine\n';

beforeAll(async () => {
  t = await createPublicTestApp();
  upstream = await startUpstreamServer();
  owner = await signUp(t.app, 'Cli Co');
  gateway = await createSkillsGateway(t.app, owner, t.url, '/agent-tools');
  await addAuthMethod(t.app, owner, gateway.id, 'api_key');
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'get_item'));
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'list_items'));
  key = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:read'] })).key;
  ref = `@${owner.organizationSlug}/agent-tools`;
  root = await mkdtemp(join(tmpdir(), 'toolgate-cli-'));
  env = { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), TOOLGATE_CONFIG_DIR: join(root, 'config') };
  project = join(root, 'project');
  await mkdir(join(project, '.claude', 'skills', 'my-own'), { recursive: true });
  await writeFile(join(project, '.claude', 'skills', 'my-own', 'SKILL.md'), OWN_SKILL);
});
afterAll(async () => {
  stopRunningCli();
  await t?.close();
  await upstream?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra }, root);

/** The one line a failed command prints, checked to be exactly one line. */
function failureLine(result: { code: number | null; stderr: string }): string {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0]!;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The gateway's skills as served, by name. */
async function served(): Promise<Map<string, Buffer>> {
  const headers = { 'x-api-key': key };
  const index = await fetchIndex(gateway.url, headers);
  const files = new Map<string, Buffer>();
  for (const skill of index.skills)
    files.set(skill.name, await fetchSkillFile(gateway.url, skill.name, headers));
  return files;
}

const installed = (name: string, folder = '.claude') => join(project, folder, 'skills', name, 'SKILL.md');

describe('toolgate login', () => {
  it('checks the token with the server and stores it readable only by the user', async () => {
    const result = await cli(['login', '--url', `${t.url}/`, '--token', owner.token]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`logged in to ${t.url} as ${owner.email}`);
    const file = join(env.TOOLGATE_CONFIG_DIR!, 'config.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: t.url, token: owner.token });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a bad token, a wrong URL, a server that is not reachable or not Toolgate, in one line', async () => {
    expect(failureLine(await cli(['login', '--url', t.url, '--token', 'not-a-token']))).toBe(
      'error: the server refused the token (wrong, expired or revoked): create a new token and run toolgate login again',
    );
    expect(failureLine(await cli(['login', '--url', 'toolgate.example', '--token', 'x']))).toBe(
      "error: 'toolgate.example' is not a server URL: give one like https://toolgate.example.com",
    );
    const port = await closedPort();
    expect(failureLine(await cli(['login', '--url', `http://127.0.0.1:${port}`, '--token', 'x']))).toBe(
      `error: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): check the URL and that the server is running`,
    );
    expect(failureLine(await cli(['login', '--url', upstream.origin, '--token', 'x']))).toMatch(
      /^error: http:\/\/127\.0\.0\.1:\d+ does not look like a Toolgate server \(GET \/auth\/profile answered HTTP 404\)/,
    );
    // The stored login is still the good one.
    const stored = JSON.parse(await readFile(join(env.TOOLGATE_CONFIG_DIR!, 'config.json'), 'utf8'));
    expect(stored.token).toBe(owner.token);
  });
});

describe('toolgate skills', () => {
  it('install writes every skill into the detected .claude/skills, byte for byte as served', async () => {
    const result = await cli(['skills', 'install', ref, '--dir', project, '--key', key]);
    expect(result.code, result.stderr).toBe(0);
    const files = await served();
    expect([...files.keys()]).toEqual(['get-item', 'list-items']);
    for (const [name, bytes] of files) {
      expect((await readFile(installed(name))).equals(bytes), name).toBe(true);
      expect(result.stdout).toContain(`added ${name}`);
    }
    expect(result.stdout).toContain(`${ref}: 2 skills in .claude/skills`);
    expect(existsSync(join(project, '.agents'))).toBe(false);
    expect(await readFile(installed('my-own'), 'utf8')).toBe(OWN_SKILL);
  });

  it('install uses .agents/skills in a project without agent folders', async () => {
    const bare = join(root, 'bare');
    await mkdir(bare);
    const result = await cli(['skills', 'install', ref, '--dir', bare], { TOOLGATE_GATEWAY_KEY: key });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(bare, '.agents', 'skills', 'get-item', 'SKILL.md'))).toBe(true);
  });

  it('install says what to do about a missing or bad key, a key without tools:read, or an unknown gateway', async () => {
    const elsewhere = join(root, 'elsewhere');
    const install = (gatewayRef: string, extra: string[]) =>
      cli(['skills', 'install', gatewayRef, '--dir', elsewhere, ...extra]);
    expect(failureLine(await install(ref, []))).toBe(
      `error: the gateway ${ref} needs credentials: pass --key <gateway API key> or set TOOLGATE_GATEWAY_KEY`,
    );
    expect(failureLine(await install(ref, ['--key', 'almyty_gw_wrong']))).toBe(
      `error: the gateway ${ref} refused the key (wrong, revoked or of another gateway): check --key or TOOLGATE_GATEWAY_KEY`,
    );
    const executeOnly = (await issueKey(t.app, owner, gateway.id, { scopes: ['tools:execute'] })).key;
    expect(failureLine(await install(ref, ['--key', executeOnly]))).toMatch(/tools:read scope$/);
    const unknown = `@${owner.organizationSlug}/no-such-gateway`;
    expect(failureLine(await install(unknown, ['--key', key]))).toBe(
      `error: unknown gateway ${unknown} on ${t.url}: check the organization and endpoint`,
    );
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('list shows the installed skills and where they are', async () => {
    const result = await cli(['skills', 'list', '--dir', project]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${ref} (${gateway.url})`,
      '  get-item  .claude/skills/get-item/SKILL.md',
      '  list-items  .claude/skills/list-items/SKILL.md',
    ]);
  });

  it('watch picks up a newly assigned tool within one poll, rewrites only what changed, and stops on Ctrl+C', async () => {
    const untouched = await stat(installed('get-item'));
    const watch = new CliProcess(
      ['skills', 'watch', ref, '--dir', project, '--interval', '0.1'],
      { ...env, TOOLGATE_GATEWAY_KEY: key },
      root,
    );
    await watch.waitForLine(/^@.+: 2 skills up to date$/);
    await addTool(t.app, owner, gateway.id, itemTool(upstream, 'late_item'));
    await watch.waitForLine(/^added late-item$/);
    const files = await served();
    expect((await readFile(installed('late-item'))).equals(files.get('late-item')!)).toBe(true);

    const listItems = expectOk(
      await rest(t.app, 'GET', `/gateways/${gateway.id}/tools`, { caller: owner.caller }),
    ).tools.find((entry: { tool: { name: string } }) => entry.tool.name === 'list_items');
    expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gateway.id}/tools/${listItems.toolId}`, {
        caller: owner.caller,
      }),
    );
    await watch.waitForLine(/^removed list-items$/);
    expect(existsSync(join(project, '.claude', 'skills', 'list-items'))).toBe(false);

    const result = await watch.interrupt();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`stopped watching ${ref}`);
    expect(result.stdout).not.toContain('get-item');
    const after = await stat(installed('get-item'));
    expect([after.ino, after.mtimeMs]).toEqual([untouched.ino, untouched.mtimeMs]);
  });

  it('remove deletes exactly what it installed, and leaves a skill of the user alone', async () => {
    const result = await cli(['skills', 'remove', ref, '--dir', project]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${ref}: removed 2 skills`);
    for (const name of ['get-item', 'late-item']) {
      expect(existsSync(join(project, '.claude', 'skills', name)), name).toBe(false);
    }
    expect(await readFile(installed('my-own'), 'utf8')).toBe(OWN_SKILL);
    expect(existsSync(join(project, '.toolgate'))).toBe(false);
    expect((await cli(['skills', 'list', '--dir', project])).stdout).toBe(
      `no skills installed by toolgate in ${project}\n`,
    );
    expect(failureLine(await cli(['skills', 'remove', ref, '--dir', project]))).toBe(
      `error: ${ref} is not installed in ${project}: toolgate skills list shows what is`,
    );
  });

  it('refuses to overwrite a skill folder the user made', async () => {
    const own = join(root, 'own');
    await mkdir(join(own, '.claude', 'skills', 'get-item'), { recursive: true });
    await writeFile(join(own, '.claude', 'skills', 'get-item', 'SKILL.md'), OWN_SKILL);
    expect(failureLine(await cli(['skills', 'install', ref, '--dir', own, '--key', key]))).toBe(
      `error: .claude/skills/get-item/SKILL.md already exists and was not installed from ${ref}: move it away, or pick other folders with --agent`,
    );
    expect(await readFile(join(own, '.claude', 'skills', 'get-item', 'SKILL.md'), 'utf8')).toBe(OWN_SKILL);
    expect(existsSync(join(own, '.claude', 'skills', 'late-item'))).toBe(false);
  });
});
