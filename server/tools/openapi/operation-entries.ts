import type { HttpMethod } from '../types.ts';
import { isObject, type JsonObject, resolveObject } from './refs.ts';
import type { ApiDocument } from './types.ts';

/** One (path, method) pair of a document. */
export interface OperationEntry {
  path: string;
  method: HttpMethod;
  pathItem: JsonObject;
  operation: JsonObject;
}

/**
 * Path item keys that are operations. `trace` is left out because the executor cannot send it
 * (`HttpMethod` has no TRACE).
 */
const METHODS: ReadonlyMap<string, HttpMethod> = new Map([
  ['get', 'GET'],
  ['put', 'PUT'],
  ['post', 'POST'],
  ['delete', 'DELETE'],
  ['options', 'OPTIONS'],
  ['head', 'HEAD'],
  ['patch', 'PATCH'],
]);

/**
 * Lists the operations of a document in document order: paths as they appear, and methods as they appear
 * within each path. Path items may be `$ref`s; `x-` extensions and non-object entries are skipped.
 * @throws ApiImportError when a path item `$ref` cannot be resolved.
 */
export function operationEntries(doc: ApiDocument): OperationEntry[] {
  const entries: OperationEntry[] = [];
  const paths = doc.root.paths;
  if (!isObject(paths)) return entries;
  for (const [path, rawItem] of Object.entries(paths)) {
    if (path.startsWith('x-') || !isObject(rawItem)) continue;
    const pathItem = resolveObject(doc, rawItem, `Path ${path}`);
    for (const [key, operation] of Object.entries(pathItem)) {
      const method = METHODS.get(key);
      if (method !== undefined && isObject(operation)) entries.push({ path, method, pathItem, operation });
    }
  }
  return entries;
}
