import type { BodyEncoding, HttpExecutionConfig, JsonSchema } from '../types.ts';
import { type OperationEntry, operationEntries } from './operation-entries.ts';
import { collectParameters } from './parameters.ts';
import { ParametersSchemaBuilder } from './parameters-schema.ts';
import { isObject } from './refs.ts';
import {
  flattenableProperties,
  openApiRequestBody,
  type RequestBodyPlan,
  swaggerBodyEncoding,
  swaggerFormEncoding,
} from './request-body.ts';
import { successResponseSchema } from './responses.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { operationSecurity } from './security-schemes.ts';
import { parseBaseUrl, serverUrlFor } from './server-url.ts';
import type { ApiDocument, ExtractOptions, ImportedOperation } from './types.ts';

/**
 * Turns every operation of a document into an `ImportedOperation`, in document order.
 *
 * Each operation gets one self-contained `parameters` schema (path, query, header and cookie parameters,
 * then the request body, flattened into top-level properties when it is a plain object schema whose
 * property names are free, else one `body` property) and an execution config whose templates refer to
 * those properties.
 *
 * `executionConfig.url` is absolute when `options.baseUrl` is given or the document names an absolute
 * server. Otherwise it is relative (e.g. `/v1/pets/{{parameters.petId}}`) and the caller must resolve it,
 * typically against the URL the document was downloaded from, or ask the user for a base URL.
 * @throws ApiImportError (field `baseUrl`) for an unusable `options.baseUrl`, and (field `schemaContent`) for
 * unresolvable references, malformed parameters or server variables without defaults.
 */
export function extractOperations(doc: ApiDocument, options: ExtractOptions = {}): ImportedOperation[] {
  const base = parseBaseUrl(options.baseUrl);
  const registry = new SchemaRegistry(doc);
  return operationEntries(doc).map((entry) => importOperation(doc, registry, entry, base));
}

function importOperation(
  doc: ApiDocument,
  registry: SchemaRegistry,
  entry: OperationEntry,
  base: URL | undefined,
): ImportedOperation {
  const { path, method, pathItem, operation } = entry;
  const key = `${method} ${path}`;
  const builder = new ParametersSchemaBuilder(registry, key);
  const collected = collectParameters(doc, pathItem, operation, key);
  const pathProperties = new Map<string, string>();
  const query: Array<[string, string]> = [];
  const headers: Array<[string, string]> = [];
  const cookies: string[] = [];
  for (const parameter of collected.parameters) {
    const { name, required, description, deprecated } = parameter;
    const property = builder.addParameter(name, parameter.in, parameter.schema, {
      required,
      description,
      deprecated,
    });
    if (parameter.in === 'path') pathProperties.set(name, property);
    else if (parameter.in === 'query') query.push([name, template(property)]);
    else if (parameter.in === 'header') headers.push([name, template(property)]);
    else cookies.push(`${name}=${template(property)}`);
  }
  // Documents sometimes forget to declare a path parameter; the URL still needs a value for it.
  for (const [, name] of path.matchAll(/\{([^{}]+)\}/g)) {
    if (name !== undefined && !pathProperties.has(name)) {
      pathProperties.set(name, builder.addParameter(name, 'path', { type: 'string' }, { required: true }));
    }
  }
  if (cookies.length > 0) headers.push(['Cookie', cookies.join('; ')]);

  const config: HttpExecutionConfig = {
    method,
    url: serverUrlFor(doc, pathItem, operation, base) + urlPath(path, pathProperties),
  };
  const body = requestBody(doc, operation, key, builder, collected);
  if (body?.contentType !== undefined) headers.push(['Content-Type', body.contentType]);
  if (headers.length > 0) config.headers = Object.fromEntries(headers);
  if (query.length > 0) config.queryParams = Object.fromEntries(query);
  if (body !== undefined) {
    config.body = body.value;
    config.bodyEncoding = body.encoding;
  }

  const operationId = nonEmpty(operation.operationId);
  const summary = nonEmpty(operation.summary);
  const output = outputSchema(doc, registry, operation, key);
  return {
    key,
    ...(operationId === undefined ? {} : { operationId }),
    method,
    path,
    ...(summary === undefined ? {} : { summary }),
    description: describe(summary, nonEmpty(operation.description), key),
    tags: Array.isArray(operation.tags)
      ? operation.tags.filter((tag): tag is string => typeof tag === 'string')
      : [],
    parameters: builder.build(),
    ...(output === undefined ? {} : { outputSchema: output }),
    executionConfig: config,
    security: operationSecurity(doc, operation),
    deprecated: operation.deprecated === true,
  };
}

interface BodyTemplate {
  value: unknown;
  encoding: BodyEncoding;
  contentType?: string;
}

function requestBody(
  doc: ApiDocument,
  operation: Record<string, unknown>,
  where: string,
  builder: ParametersSchemaBuilder,
  collected: ReturnType<typeof collectParameters>,
): BodyTemplate | undefined {
  if (doc.dialect === 'swagger-2.0' && collected.body === undefined && collected.formData.length > 0) {
    const fields: Array<[string, string]> = [];
    let hasFile = false;
    for (const field of collected.formData) {
      const { name, required, description, deprecated } = field;
      hasFile ||= isObject(field.schema) && field.schema.type === 'file';
      const property = builder.addParameter(name, 'formData', field.schema, {
        required,
        description,
        deprecated,
      });
      fields.push([name, template(property)]);
    }
    return { value: Object.fromEntries(fields), encoding: swaggerFormEncoding(doc, operation, hasFile) };
  }
  let plan: RequestBodyPlan | undefined;
  if (doc.dialect !== 'swagger-2.0') plan = openApiRequestBody(doc, operation, where);
  else if (collected.body !== undefined) plan = { ...collected.body, ...swaggerBodyEncoding(doc, operation) };
  if (plan === undefined) return undefined;
  const contentType = plan.contentType === undefined ? {} : { contentType: plan.contentType };
  const flat =
    plan.encoding === 'text' ? undefined : flattenableProperties(doc, plan.schema, `${where} request body`);
  if (flat?.every((property) => !builder.has(property.name))) {
    const fields: Array<[string, string]> = [];
    for (const property of flat) {
      // An optional body may be left out entirely, so its required properties are only required with it.
      builder.addProperty(property.name, property.schema, { required: plan.required && property.required });
      fields.push([property.name, template(property.name)]);
    }
    return { value: Object.fromEntries(fields), encoding: plan.encoding, ...contentType };
  }
  const name = builder.freeBodyName();
  builder.addProperty(
    name,
    plan.schema,
    { required: plan.required, description: plan.description },
    'request body',
  );
  return { value: template(name), encoding: plan.encoding, ...contentType };
}

function outputSchema(
  doc: ApiDocument,
  registry: SchemaRegistry,
  operation: Record<string, unknown>,
  where: string,
): JsonSchema | undefined {
  const schema = successResponseSchema(doc, operation, where);
  if (schema === undefined) return undefined;
  const refs = new Set<string>();
  const converted = registry.convert(schema, `${where} response`, refs);
  return registry.bundle(typeof converted === 'boolean' ? (converted ? {} : { not: {} }) : converted, refs);
}

function urlPath(path: string, properties: ReadonlyMap<string, string>): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.replace(/\{([^{}]+)\}/g, (match, name: string) => {
    const property = properties.get(name);
    return property === undefined ? match : template(property);
  });
}

function template(property: string): string {
  return `{{parameters.${property}}}`;
}

function describe(summary: string | undefined, description: string | undefined, key: string): string {
  if (summary !== undefined && description !== undefined && summary !== description)
    return `${summary}\n\n${description}`;
  return summary ?? description ?? key;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
