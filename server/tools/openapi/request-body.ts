import type { BodyEncoding } from '../types.ts';
import { followRefs, isObject, type JsonObject, resolveObject } from './refs.ts';
import type { ApiDocument } from './types.ts';

/** How an operation's request body is sent. */
export interface RequestBodyPlan {
  encoding: BodyEncoding;
  /** A `Content-Type` to send because the executor's default for `encoding` would be wrong. */
  contentType?: string;
  /** The body schema as written in the document. */
  schema: unknown;
  required: boolean;
  description?: string;
}

/** A body property that can become a top-level tool parameter. */
export interface BodyProperty {
  name: string;
  schema: unknown;
  required: boolean;
}

/**
 * Whether a name can be a tool parameter and a `{{parameters.<name>}}` template segment as it is: no dots
 * (they separate template segments), nothing that needs quoting, and not `__proto__`.
 */
export function isTemplateSafeName(name: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(name) && name !== '__proto__';
}

/** Keywords that do not change which objects a schema accepts, so its properties can be listed separately. */
const FLATTENABLE_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'title',
  'description',
  'example',
  'examples',
  'xml',
  'externalDocs',
  'deprecated',
  '$schema',
  '$id',
  '$comment',
]);

/**
 * Chooses the media type of an OpenAPI 3 `requestBody`: JSON first, then form, multipart, text and
 * anything else (sent as text with its own `Content-Type`); document order breaks ties.
 * @throws ApiImportError for unresolvable `$ref`s.
 */
export function openApiRequestBody(
  doc: ApiDocument,
  operation: JsonObject,
  where: string,
): RequestBodyPlan | undefined {
  if (operation.requestBody === undefined) return undefined;
  const body = resolveObject(doc, operation.requestBody, `${where} requestBody`);
  if (!isObject(body.content)) return undefined;
  const mediaType = chooseMediaType(Object.keys(body.content));
  if (mediaType === undefined) return undefined;
  const media = body.content[mediaType];
  return {
    ...encodingOf(mediaType),
    schema: isObject(media) && media.schema !== undefined ? media.schema : {},
    required: body.required === true,
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
  };
}

/** The encoding of a Swagger 2.0 `in: body` parameter, from the operation's or document's `consumes`. */
export function swaggerBodyEncoding(
  doc: ApiDocument,
  operation: JsonObject,
): Pick<RequestBodyPlan, 'encoding' | 'contentType'> {
  const mediaType = chooseMediaType(consumes(doc, operation));
  return mediaType === undefined ? { encoding: 'json' } : encodingOf(mediaType);
}

/** Swagger 2.0 form fields go as multipart when the operation consumes it or uploads a file. */
export function swaggerFormEncoding(doc: ApiDocument, operation: JsonObject, hasFile: boolean): BodyEncoding {
  const multipart = consumes(doc, operation).some((type) => essence(type) === 'multipart/form-data');
  return multipart || hasFile ? 'multipart' : 'form';
}

/**
 * The properties of a body schema, when it is a plain object schema whose properties can be sent one by one:
 * no composition, no additional properties, property names usable in templates. Read-only properties are
 * left out (servers ignore or reject them in requests). Undefined when the body must stay one value.
 * @throws ApiImportError for unresolvable `$ref`s.
 */
export function flattenableProperties(
  doc: ApiDocument,
  schema: unknown,
  where: string,
): BodyProperty[] | undefined {
  const resolved = followRefs(doc, schema, where).value;
  if (!isObject(resolved) || !isObject(resolved.properties)) return undefined;
  for (const key of Object.keys(resolved)) {
    if (!FLATTENABLE_KEYWORDS.has(key) && !key.startsWith('x-')) return undefined;
  }
  const type = resolved.type;
  if (
    !(
      type === undefined ||
      type === 'object' ||
      (Array.isArray(type) && type.length === 1 && type[0] === 'object')
    )
  ) {
    return undefined;
  }
  if (resolved.additionalProperties !== undefined && resolved.additionalProperties !== false)
    return undefined;
  const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
  const properties: BodyProperty[] = [];
  for (const [name, property] of Object.entries(resolved.properties)) {
    if (!isTemplateSafeName(name)) return undefined;
    const target = followRefs(doc, property, `${where} property "${name}"`).value;
    if (isObject(target) && target.readOnly === true) continue;
    properties.push({ name, schema: property, required: required.has(name) });
  }
  return properties.length > 0 ? properties : undefined;
}

function consumes(doc: ApiDocument, operation: JsonObject): string[] {
  const list = Array.isArray(operation.consumes) ? operation.consumes : doc.root.consumes;
  return Array.isArray(list) ? list.filter((type): type is string => typeof type === 'string') : [];
}

function chooseMediaType(mediaTypes: string[]): string | undefined {
  let best: string | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const mediaType of mediaTypes) {
    const rank = rankOf(essence(mediaType));
    if (rank < bestRank) {
      best = mediaType;
      bestRank = rank;
    }
  }
  return best;
}

function rankOf(type: string): number {
  if (type === 'application/json' || /^application\/[^/]+\+json$/.test(type)) return 0;
  if (type === '*/*' || type === 'application/*') return 1;
  if (type === 'application/x-www-form-urlencoded') return 2;
  if (type.startsWith('multipart/')) return 3;
  if (type.startsWith('text/')) return 4;
  return 5;
}

function encodingOf(mediaType: string): Pick<RequestBodyPlan, 'encoding' | 'contentType'> {
  const type = essence(mediaType);
  const rank = rankOf(type);
  if (rank <= 1)
    return type === 'application/json' || rank === 1
      ? { encoding: 'json' }
      : { encoding: 'json', contentType: mediaType };
  if (rank === 2) return { encoding: 'form' };
  // The multipart boundary is chosen when sending, so the executor must set that header itself.
  if (rank === 3) return { encoding: 'multipart' };
  return type === 'text/plain' || type === 'text/*'
    ? { encoding: 'text' }
    : { encoding: 'text', contentType: mediaType };
}

function essence(mediaType: string): string {
  return (mediaType.split(';', 1)[0] ?? '').trim().toLowerCase();
}
