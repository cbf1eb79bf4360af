import type { ObjectRef } from '@pothos/core';
import { builder } from '../builder.ts';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/**
 * A page type in the documented list shape: `{ <itemsField>: [...], total, page, limit, totalPages }`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Pothos object ref whose shape is T
export function pageOf<T>(name: string, itemsField: string, item: ObjectRef<any, T>) {
  return builder.objectRef<Page<T>>(name).implement({
    fields: (t) => ({
      [itemsField]: t.field({ type: [item], resolve: (page) => page.items }),
      total: t.exposeInt('total'),
      page: t.exposeInt('page'),
      limit: t.exposeInt('limit'),
      totalPages: t.int({ resolve: (page) => Math.ceil(page.total / page.limit) }),
    }),
  });
}

export const pageArgs = builder.args((t) => ({
  page: t.int({ required: false, description: 'Page number, from 1 (default 1).' }),
  limit: t.int({ required: false, description: 'Items per page, 1–100 (default 20).' }),
}));
