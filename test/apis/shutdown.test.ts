import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server.ts';

let child: ChildProcess | undefined;
let dataDir: string | undefined;
let upstream: UpstreamServer | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await upstream?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function json(base: string, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as { data: { token: string; id: string; organization: { id: string } } };
}

describe('execution records across a SIGTERM under load', () => {
  it('keeps exactly one record for every call that was answered', async () => {
    upstream = await startUpstreamServer();
    dataDir = await mkdtemp(join(tmpdir(), 'toolgate-sigterm-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        NODE_ENV: 'development',
        ALLOWED_UPSTREAM_HOSTS: '127.0.0.1/32',
        MANAGEMENT_RATE_LIMIT: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    for (let attempt = 0; attempt < 120; attempt++) {
      if (
        await fetch(`${base}/health`).then(
          (response) => response.ok,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const registered = await json(base, 'POST', '/auth/register', {
      email: 'load@example.com',
      password: 'Secret123',
      firstName: 'Load',
      lastName: 'Test',
      organizationName: 'Load',
    });
    const token = registered.data.token;
    const organizationId = registered.data.organization.id;
    const tool = await json(
      base,
      'POST',
      `/organizations/${organizationId}/tools`,
      {
        name: 'slow',
        type: 'http',
        parameters: { type: 'object' },
        executionConfig: { method: 'GET', url: upstream.url('/delay?ms=30') },
      },
      token,
    );

    let answered = 0;
    let sent = 0;
    let stopping = false;
    const worker = async () => {
      for (;;) {
        sent++;
        const ok = await fetch(`${base}/organizations/${organizationId}/tools/${tool.data.id}/execute`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{"parameters":{}}',
        }).then(
          async (response) => {
            await response.text();
            return true;
          },
          () => false,
        );
        if (ok) answered++;
        else return;
        if (stopping && answered > 0 && sent > 400) return;
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (answered < 60) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGTERM');
    stopping = true;
    await Promise.all(workers);
    expect(await exited, output).toBe(0);

    const database = await openDatabase({ dataDir });
    try {
      expect(await database.prisma.execution.count({ where: { toolId: tool.data.id } })).toBe(answered);
    } finally {
      await database.close();
    }
    expect(answered).toBeGreaterThanOrEqual(60);
  }, 120_000);
});
