import { z } from 'zod';
import { badRequest } from '../errors.ts';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @throws BAD_REQUEST naming `field` unless `value` is a UUID (ids are UUIDs everywhere). */
export function assertUuid(field: string, value: string): string {
  if (!UUID_PATTERN.test(value))
    throw badRequest(field, `${field}: must be a UUID such as 3f2a…-…; got '${value.slice(0, 40)}'`);
  return value.toLowerCase();
}

function describeIssue(issue: z.core.$ZodIssue, root?: string): { field: string; text: string }[] {
  const path = [root, ...issue.path.map(String)].filter(Boolean);
  // Worded like GraphQL's refusal of an unknown input field, so both surfaces name the field the same way.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const field = [...path, key].join('.');
      return { field, text: `${field}: is not a known field` };
    });
  }
  const field = path.join('.') || 'input';
  return [{ field, text: `${field}: ${issue.message}` }];
}

/**
 * Validates input against a zod schema.
 * @throws BAD_REQUEST whose message names every offending field and says what is expected.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, root?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, root)).slice(0, 5);
  throw badRequest(issues[0]!.field, issues.map((issue) => issue.text).join('; '));
}

export interface PageWindow {
  page: number;
  limit: number;
  skip: number;
  take: number;
}

/** @throws BAD_REQUEST for a page below 1 or a limit outside 1–100. */
export function pageWindow(args: { page?: number | null; limit?: number | null }): PageWindow {
  const page = args.page ?? 1;
  const limit = args.limit ?? 20;
  if (!Number.isInteger(page) || page < 1 || page > 1_000_000)
    throw badRequest('page', 'page: must be a whole number of at least 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw badRequest('limit', 'limit: must be a whole number from 1 to 100');
  return { page, limit, skip: (page - 1) * limit, take: limit };
}

export const nameField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');
export const descriptionField = z.string().trim().max(2000, 'must be at most 2000 characters');

/**
 * The text of a `search` filter, ready for Prisma's `contains`: trimmed, at most 200 characters, with the
 * LIKE wildcards escaped so that `get_` or `100%` match literally. Undefined for an empty search.
 */
export function searchText(search: string | null | undefined): string | undefined {
  const text = search?.trim().slice(0, 200);
  return text ? text.replace(/[\\%_]/g, '\\$&') : undefined;
}
