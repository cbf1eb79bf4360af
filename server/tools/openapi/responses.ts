import { isObject, type JsonObject, resolveObject } from './refs.ts';
import type { ApiDocument } from './types.ts';

/**
 * The schema (as written) of the first successful JSON response: status codes 200 to 299 in numeric order,
 * then the `2XX` range. Responses without a JSON body (204, files, text) are skipped. Swagger 2.0 responses
 * count as JSON when the operation produces JSON or declares no `produces`.
 * @throws ApiImportError for unresolvable response `$ref`s.
 */
export function successResponseSchema(doc: ApiDocument, operation: JsonObject, where: string): unknown {
  const responses = operation.responses;
  if (!isObject(responses)) return undefined;
  const codes = Object.keys(responses)
    .filter((code) => /^2\d\d$/.test(code))
    .sort((a, b) => Number(a) - Number(b));
  codes.push(...Object.keys(responses).filter((code) => code.toUpperCase() === '2XX'));
  const swagger = doc.dialect === 'swagger-2.0';
  if (swagger && !producesJson(doc, operation)) return undefined;
  for (const code of codes) {
    const response = resolveObject(doc, responses[code], `${where} response ${code}`);
    if (swagger) {
      if (response.schema !== undefined) return response.schema;
      continue;
    }
    if (!isObject(response.content)) continue;
    for (const [mediaType, media] of Object.entries(response.content)) {
      if (isJsonMediaType(mediaType) && isObject(media) && media.schema !== undefined) return media.schema;
    }
  }
  return undefined;
}

function producesJson(doc: ApiDocument, operation: JsonObject): boolean {
  const produces = Array.isArray(operation.produces) ? operation.produces : doc.root.produces;
  if (!Array.isArray(produces) || produces.length === 0) return true;
  return produces.some((type) => typeof type === 'string' && isJsonMediaType(type));
}

function isJsonMediaType(mediaType: string): boolean {
  const type = (mediaType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
}
