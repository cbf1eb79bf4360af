import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type App, createApp } from '../../server/app.ts';
import { openDatabase } from '../../server/db/database.ts';
import { type Env, readEnv } from '../../server/env.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestApp {
  app: App;
  /** Base URL when started with `listen: true`. */
  url: string;
  /** The PostgreSQL database in use; undefined on PGlite. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * The whole server on a fresh database: in-memory PGlite by default, or a new database on the PostgreSQL
 * server named by TEST_DATABASE_URL (CI runs the suite both ways).
 */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    listen?: boolean;
    /** Join this PostgreSQL database (another instance's) instead of creating a fresh one. */
    databaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const env: Env = readEnv({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATA_DIR: 'memory://',
    PUBLIC_URL: 'http://toolgate.test',
    SHUTDOWN_GRACE_MS: '200',
    ...options.env,
  });
  const server = process.env.TEST_DATABASE_URL;
  let dropDatabase = async () => {};
  let databaseUrl = options.databaseUrl;
  if (server && !databaseUrl) {
    const name = `toolgate_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(server, `CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://' });
  const app = await createApp(env, { database });
  const url = options.listen ? await app.start(0, '127.0.0.1') : '';
  return {
    app,
    url,
    databaseUrl,
    async close() {
      await app.stop();
      await database.close();
      await dropDatabase();
    },
  };
}

async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
