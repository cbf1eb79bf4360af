import { FormData } from 'undici';
import type { BodyEncoding, GraphqlExecutionConfig, HttpExecutionConfig, HttpMethod } from '../types.ts';
import { appendQueryParameter } from './encoding.ts';
import { ExecutionError } from './execution-error.ts';
import { renderHeaders } from './headers.ts';
import {
  ABSENT,
  MissingArgumentError,
  renderBodyTemplate,
  renderScalarTemplate,
  renderUrlTemplate,
  stringifyArgument,
} from './templates.ts';

/** A fully rendered upstream request, before credentials are added. */
export interface PreparedRequest {
  method: HttpMethod;
  url: URL;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string | FormData | undefined;
  /** Total time for one attempt, in ms. */
  timeoutMs: number;
  /** Extra attempts wanted by the tool (before the executor's cap). */
  retries: number;
  /** Whether repeating the request is safe, which is what permits retries. */
  idempotent: boolean;
}

/** Executor-wide settings the builder needs. */
export interface BuildSettings {
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  userAgent: string;
}

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const ENCODINGS = new Set<BodyEncoding>(['json', 'form', 'multipart', 'text']);

function configError(message: string): ExecutionError {
  return new ExecutionError('INVALID_CONFIGURATION', message);
}

function resolveTimeout(timeout: unknown, settings: BuildSettings): number {
  if (timeout === undefined || timeout === null) return settings.defaultTimeoutMs;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw configError('timeout must be a positive number of milliseconds');
  }
  return Math.min(Math.ceil(timeout), settings.maxTimeoutMs);
}

function resolveRetries(retries: unknown): number {
  if (retries === undefined || retries === null) return 0;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw configError('retries must be a non-negative integer');
  }
  return retries;
}

function buildUrl(template: unknown, args: unknown, what: string): URL {
  if (typeof template !== 'string' || template === '')
    throw configError(`${what} must be a non-empty string`);
  let rendered: string;
  try {
    rendered = renderUrlTemplate(template, args);
  } catch (error) {
    if (error instanceof MissingArgumentError) throw new ExecutionError('INVALID_ARGUMENTS', error.message);
    throw error;
  }
  try {
    return new URL(rendered);
  } catch {
    throw configError(`${what} does not render to a valid absolute URL`);
  }
}

function appendQuery(url: URL, templates: unknown, args: unknown): void {
  if (templates === undefined || templates === null) return;
  if (typeof templates !== 'object' || Array.isArray(templates)) {
    throw configError('queryParams must be an object of strings');
  }
  for (const [name, template] of Object.entries(templates)) {
    if (typeof template !== 'string')
      throw configError(`query parameter '${name}' must be a string template`);
    const rendered = renderScalarTemplate(template, args);
    if (rendered === ABSENT) continue;
    // Arrays repeat the parameter (?tag=a&tag=b), the common "form, explode" style.
    const values = Array.isArray(rendered) ? rendered : [rendered];
    for (const value of values) {
      if (value !== undefined && value !== null) appendQueryParameter(url, name, stringifyArgument(value));
    }
  }
}

function fieldEntries(body: unknown, encoding: string): [string, string][] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw configError(`a ${encoding} body must render to an object of fields`);
  }
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(body)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item !== undefined && item !== null) entries.push([name, stringifyArgument(item)]);
    }
  }
  return entries;
}

function encodeBody(
  rendered: unknown,
  encoding: BodyEncoding,
  headers: Record<string, string>,
): string | FormData {
  switch (encoding) {
    case 'json':
      headers['content-type'] ??= 'application/json';
      return JSON.stringify(rendered);
    case 'text':
      headers['content-type'] ??= 'text/plain; charset=utf-8';
      return stringifyArgument(rendered);
    case 'form': {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      if (typeof rendered === 'string') return rendered;
      return new URLSearchParams(fieldEntries(rendered, 'form')).toString();
    }
    case 'multipart': {
      // The client writes the content type itself: it must carry the generated boundary.
      delete headers['content-type'];
      const form = new FormData();
      for (const [name, value] of fieldEntries(rendered, 'multipart')) form.append(name, value);
      return form;
    }
  }
}

/**
 * Renders an HTTP tool's execution config with the call's arguments.
 * @throws ExecutionError INVALID_ARGUMENTS when a URL template names an absent argument or an argument
 *   injects line breaks into a header; INVALID_CONFIGURATION when the config itself is malformed.
 */
export function buildHttpRequest(
  config: HttpExecutionConfig,
  args: unknown,
  settings: BuildSettings,
): PreparedRequest {
  const method = (typeof config.method === 'string' ? config.method.toUpperCase() : '') as HttpMethod;
  if (!METHODS.has(method)) throw configError(`method '${String(config.method)}' is not supported`);
  const encoding = config.bodyEncoding ?? 'json';
  if (!ENCODINGS.has(encoding)) throw configError(`bodyEncoding '${String(encoding)}' is not supported`);
  const url = buildUrl(config.url, args, 'url');
  appendQuery(url, config.queryParams, args);
  const headers = renderHeaders(config.headers, args);
  headers['user-agent'] ??= settings.userAgent;
  let body: string | FormData | undefined;
  if (method !== 'GET' && method !== 'HEAD' && config.body !== undefined) {
    const rendered = renderBodyTemplate(config.body, args);
    if (rendered !== ABSENT) body = encodeBody(rendered, encoding, headers);
  }
  return {
    method,
    url,
    headers,
    body,
    timeoutMs: resolveTimeout(config.timeout, settings),
    retries: resolveRetries(config.retries),
    idempotent: IDEMPOTENT.has(method),
  };
}

/**
 * Renders a GraphQL tool: a JSON POST of `{query, variables}`. Without configured `variables` the whole
 * arguments object is sent as the variables.
 * @param readOnly whether the document holds only query operations, which makes retrying it safe.
 * @throws ExecutionError as buildHttpRequest does.
 */
export function buildGraphqlRequest(
  config: GraphqlExecutionConfig,
  args: unknown,
  readOnly: boolean,
  settings: BuildSettings,
): PreparedRequest {
  if (typeof config.query !== 'string' || config.query.trim() === '') {
    throw configError('GraphQL query must be a non-empty string');
  }
  const url = buildUrl(config.endpoint, args, 'endpoint');
  const headers = renderHeaders(config.headers, args);
  headers['user-agent'] ??= settings.userAgent;
  headers['content-type'] = 'application/json';
  headers.accept ??= 'application/graphql-response+json, application/json';
  const rendered = config.variables === undefined ? args : renderBodyTemplate(config.variables, args);
  const variables = rendered === ABSENT ? {} : rendered;
  return {
    method: 'POST',
    url,
    headers,
    body: JSON.stringify({ query: config.query, variables }),
    timeoutMs: resolveTimeout(config.timeout, settings),
    retries: resolveRetries(config.retries),
    idempotent: readOnly,
  };
}
