import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, readMigrations, type SqlSession } from './migrate.ts';

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrationsDirectory = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
// Any fixed number works; it only has to be the same for every instance of this server.
const MIGRATION_LOCK_ID = 7_351_146_311;

/**
 * Opens the database and brings its schema up to date: a PostgreSQL server when `databaseUrl` is set,
 * otherwise PGlite in `dataDir` (`memory://` keeps it in memory, as tests do).
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  const migrations = await readMigrations(migrationsDirectory);
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection that the server drops (restart, failover, admin) must not take the process down:
    // the pool replaces it on the next query.
    pool.on('error', (error) => console.error('PostgreSQL connection lost:', error.message));
    const client = await pool.connect();
    try {
      // Several instances may start at once; one migrates while the others wait.
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      await applyMigrations(pgSession(client), migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
      client.release();
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      kind: 'postgres',
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const location = options.dataDir === 'memory://' ? 'memory://' : `${options.dataDir}/pglite`;
  if (location !== 'memory://') await mkdir(location, { recursive: true });
  const pglite = await PGlite.create(location);
  await applyMigrations(pgliteSession(pglite), migrations);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

function pgSession(client: pg.PoolClient): SqlSession {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
  };
}

function pgliteSession(pglite: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
  };
}
