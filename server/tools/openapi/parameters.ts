import { ApiImportError } from './api-import-error.ts';
import { isObject, type JsonObject, resolveObject } from './refs.ts';
import type { ApiDocument } from './types.ts';

/** Where a parameter goes; `formData` is Swagger 2.0's form field. */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie' | 'formData';

/** A path, query, header or cookie parameter after `$ref` resolution and path/operation merging. */
export interface OperationParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  description?: string;
  deprecated: boolean;
  /** The schema as written (for Swagger 2.0, assembled from the parameter's own type fields). */
  schema: unknown;
}

/** Swagger 2.0 `in: body` parameter. */
export interface SwaggerBodyParameter {
  schema: unknown;
  required: boolean;
  description?: string;
}

export interface CollectedParameters {
  parameters: OperationParameter[];
  /** Swagger 2.0 `in: formData` parameters, in order. */
  formData: OperationParameter[];
  body?: SwaggerBodyParameter;
}

const LOCATIONS = new Set(['path', 'query', 'header', 'cookie']);
/** OpenAPI says header parameters with these names are ignored: the client sets them from other information. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
/** Swagger 2.0 non-body parameters carry their schema inline, in these fields. */
const SWAGGER_SCHEMA_FIELDS = [
  'type',
  'format',
  'items',
  'default',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'enum',
  'multipleOf',
  'x-nullable',
];

/**
 * Collects the parameters of an operation: path-level parameters first, each replaced in place by an
 * operation-level one with the same name and location, then the remaining operation-level ones.
 * @throws ApiImportError for unresolvable `$ref`s and parameters without a name or a valid location.
 */
export function collectParameters(
  doc: ApiDocument,
  pathItem: JsonObject,
  operation: JsonObject,
  where: string,
): CollectedParameters {
  const merged = new Map<string, JsonObject>();
  for (const [level, list] of [
    ['path item', pathItem.parameters],
    ['operation', operation.parameters],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list))
      throw new ApiImportError(`${where}: the ${level} \`parameters\` must be a list.`);
    list.forEach((entry, index) => {
      const label = `${where} ${level} parameters[${index}]`;
      const parameter = resolveObject(doc, entry, label);
      if (typeof parameter.name !== 'string' || parameter.name === '') {
        throw new ApiImportError(`${label}: a parameter needs a non-empty \`name\`.`);
      }
      if (typeof parameter.in !== 'string') {
        throw new ApiImportError(`${label}: the parameter "${parameter.name}" needs an \`in\` location.`);
      }
      merged.set(`${parameter.in}\u0000${parameter.name}`, parameter);
    });
  }

  const swagger = doc.dialect === 'swagger-2.0';
  const result: CollectedParameters = { parameters: [], formData: [] };
  for (const parameter of merged.values()) {
    const name = parameter.name as string;
    const location = parameter.in as string;
    const description = typeof parameter.description === 'string' ? parameter.description : undefined;
    if (swagger && location === 'body') {
      result.body = {
        schema: parameter.schema ?? {},
        required: parameter.required === true,
        ...optional(description),
      };
      continue;
    }
    const formData = swagger && location === 'formData';
    if (!formData && !LOCATIONS.has(location)) {
      throw new ApiImportError(
        `${where}: the parameter "${name}" has the location "${location}"; expected one of path, query, header, cookie${swagger ? ', body, formData' : ''}.`,
      );
    }
    if (location === 'header' && IGNORED_HEADERS.has(name.toLowerCase())) continue;
    const collected: OperationParameter = {
      name,
      in: location as ParameterLocation,
      required: location === 'path' || parameter.required === true,
      deprecated: parameter.deprecated === true,
      schema: swagger ? swaggerSchema(parameter) : openApiSchema(parameter),
      ...optional(description),
    };
    (formData ? result.formData : result.parameters).push(collected);
  }
  return result;
}

function openApiSchema(parameter: JsonObject): unknown {
  if (parameter.schema !== undefined) return parameter.schema;
  // `content` describes a serialized parameter by media type; its schema still describes the value.
  if (isObject(parameter.content)) {
    const [media] = Object.values(parameter.content);
    if (isObject(media) && media.schema !== undefined) return media.schema;
  }
  return {};
}

function swaggerSchema(parameter: JsonObject): JsonObject {
  return Object.fromEntries(
    SWAGGER_SCHEMA_FIELDS.filter((field) => field in parameter).map((f) => [f, parameter[f]]),
  );
}

function optional(description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description };
}
