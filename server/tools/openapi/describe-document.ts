import { operationEntries } from './operation-entries.ts';
import { isObject } from './refs.ts';
import type { ApiDocument, DocumentSummary } from './types.ts';

/**
 * Title, version, declared specification version and number of operations (as `extractOperations` would
 * produce them) of a document.
 * @throws ApiImportError when a path item `$ref` cannot be resolved.
 */
export function describeDocument(doc: ApiDocument): DocumentSummary {
  const info = isObject(doc.root.info) ? doc.root.info : {};
  const title =
    typeof info.title === 'string' && info.title.trim() !== '' ? info.title.trim() : 'Untitled API';
  const version =
    typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : '';
  return { title, version, openapiVersion: doc.specVersion, operationCount: operationEntries(doc).length };
}
