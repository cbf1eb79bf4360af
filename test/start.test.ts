import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  child?.kill('SIGTERM');
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

describe('npm start on a fresh machine', () => {
  it('creates and migrates the embedded database, keeps generated secrets private, and answers /health', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'toolgate-start-'));
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        NODE_ENV: 'development',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    let exitCode: number | null = null;
    child.once('exit', (code) => (exitCode = code));
    let health: unknown;
    for (let attempt = 0; attempt < 120 && health === undefined && exitCode === null; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      health = await fetch(`http://127.0.0.1:${port}/health`)
        .then((response) => response.json())
        .catch(() => undefined);
    }
    expect(health, output).toEqual({ status: 'ok', database: 'pglite' });
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'));
    expect(Object.keys(secrets).sort()).toEqual(['encryptionKey', 'jwtSecret']);
    expect((await stat(join(dataDir, 'secrets.json'))).mode & 0o077).toBe(0);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
