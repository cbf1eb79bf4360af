import type { App } from '../../server/app.ts';
import { Prisma } from '../../server/generated/prisma/client.ts';

interface Delegate {
  count(): Promise<number>;
  findMany(): Promise<unknown[]>;
}

// Every model of the Prisma schema, so a new table is covered without touching the tests.
function delegates(app: App): [string, Delegate][] {
  const db = app.deps.db as unknown as Record<string, Delegate>;
  return Object.values(Prisma.ModelName).map((model) => [
    model,
    db[model[0]!.toLowerCase() + model.slice(1)]!,
  ]);
}

/** Row counts of every table, by model name. */
export async function countRows(app: App): Promise<Record<string, number>> {
  const counts = await Promise.all(
    delegates(app).map(async ([model, delegate]) => [model, await delegate.count()] as const),
  );
  return Object.fromEntries(counts);
}

/** Every row of every table in a stable order, to assert that a refused request changed nothing. */
export async function snapshotRows(app: App): Promise<Record<string, string[]>> {
  const tables = await Promise.all(
    delegates(app).map(async ([model, delegate]) => {
      const rows = await delegate.findMany();
      return [model, rows.map((row) => JSON.stringify(row)).sort()] as const;
    }),
  );
  return Object.fromEntries(tables);
}
