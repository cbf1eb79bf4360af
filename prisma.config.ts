import { defineConfig } from 'prisma/config';

// Only the Prisma CLI reads this file (generate, and `migrate dev` when authoring migrations).
// The server applies committed migrations itself; see server/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/toolgate' },
});
