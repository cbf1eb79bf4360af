import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations, type SqlSession } from '../../server/db/migrate.ts';

const directory = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
let pglite: PGlite | undefined;

function session(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
  };
}

afterEach(async () => {
  await pglite?.close();
});

describe('the migration runner', () => {
  it('applies every committed migration once and records it like prisma migrate deploy', async () => {
    pglite = await PGlite.create('memory://');
    const migrations = await readMigrations(directory);
    expect(migrations.length).toBeGreaterThan(0);
    expect(await applyMigrations(session(pglite), migrations)).toEqual(
      migrations.map((migration) => migration.name),
    );
    expect(await applyMigrations(session(pglite), migrations)).toEqual([]);
    const rows = (
      await pglite.query<{
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        applied_steps_count: number;
      }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      )
    ).rows;
    expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((migration) => migration.name));
    for (const [index, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[index]!.checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('rolls a failing migration back, records nothing for it, and leaves earlier ones in place', async () => {
    pglite = await PGlite.create('memory://');
    const migrations = await readMigrations(directory);
    const broken = {
      name: '99990101000000_broken',
      sql: 'CREATE TABLE "Half" (id int); SELECT * FROM missing_table;',
      checksum: 'x',
    };
    await expect(applyMigrations(session(pglite), [...migrations, broken])).rejects.toThrow(
      /99990101000000_broken failed/,
    );
    const tables = (
      await pglite.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename = 'Half'`)
    ).rows;
    expect(tables).toEqual([]);
    const recorded = (
      await pglite.query<{ count: number }>('SELECT count(*)::int AS count FROM "_prisma_migrations"')
    ).rows[0]!.count;
    expect(recorded).toBe(migrations.length);
  });

  it('refuses to start over a migration that failed halfway outside the runner', async () => {
    pglite = await PGlite.create('memory://');
    const migrations = await readMigrations(directory);
    await applyMigrations(session(pglite), migrations);
    await pglite.exec(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('00000000-0000-0000-0000-000000000001', 'x', 'manual_failure')`,
    );
    await expect(applyMigrations(session(pglite), migrations)).rejects.toThrow(
      /manual_failure failed earlier/,
    );
  });
});
