import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../server/schema/index.ts';

describe('schema.graphql', () => {
  it('equals the schema the code builds (run `npm run generate:schema` after changing server/schema)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(schema)}\n`).toBe(committed);
  });
});
