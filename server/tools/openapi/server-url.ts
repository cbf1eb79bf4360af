import { ApiImportError } from './api-import-error.ts';
import { isObject, type JsonObject } from './refs.ts';
import type { ApiDocument } from './types.ts';

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Parses the `baseUrl` option.
 * @throws ApiImportError (field `baseUrl`) unless it is an absolute http(s) URL without credentials, query or
 * fragment (operation paths are appended to it).
 */
export function parseBaseUrl(baseUrl: string | undefined): URL | undefined {
  if (baseUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ApiImportError(
      `The base URL "${baseUrl}" is not a valid absolute URL, such as https://api.example.com/v1.`,
      'baseUrl',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiImportError(`The base URL must use http or https, not "${url.protocol}".`, 'baseUrl');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ApiImportError(
      'The base URL must not contain credentials; store them as an upstream credential instead.',
      'baseUrl',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ApiImportError(
      'The base URL must not have a query string or fragment; operation paths are appended to it.',
      'baseUrl',
    );
  }
  return url;
}

/**
 * The URL that an operation's path is appended to, without a trailing slash. OpenAPI 3 uses the first
 * server of the operation, else of the path item, else of the document, with variables replaced by their
 * defaults; Swagger 2.0 uses `schemes[0]://host basePath`. `base` replaces an absolute document URL and
 * resolves a relative one. Without `base`, a relative URL is returned as it is (possibly empty).
 * @throws ApiImportError when a server variable has no default and no `base` is given.
 */
export function serverUrlFor(
  doc: ApiDocument,
  pathItem: JsonObject,
  operation: JsonObject,
  base: URL | undefined,
): string {
  const declared: DeclaredServer | undefined =
    doc.dialect === 'swagger-2.0' ? swaggerServer(doc, operation) : openApiServer(doc, pathItem, operation);
  let url: string;
  if (base === undefined) {
    if (declared?.unresolved) {
      throw new ApiImportError(
        `The server URL "${declared.url}" uses the variable {${declared.unresolved}} without a default; add a default to the document or give a base URL.`,
      );
    }
    url = declared?.url ?? '';
  } else if (declared === undefined || declared.unresolved !== undefined || ABSOLUTE_URL.test(declared.url)) {
    url = base.href;
  } else {
    url = new URL(declared.url, base).href;
  }
  return url.replace(/\/+$/, '');
}

/** A server URL from the document; `unresolved` names a variable that had no default. */
interface DeclaredServer {
  url: string;
  unresolved?: string;
}

function openApiServer(
  doc: ApiDocument,
  pathItem: JsonObject,
  operation: JsonObject,
): DeclaredServer | undefined {
  const lists = [operation.servers, pathItem.servers, doc.root.servers];
  const servers = lists.find((list): list is unknown[] => Array.isArray(list) && list.length > 0);
  const server = servers?.[0];
  if (!isObject(server) || typeof server.url !== 'string') return undefined;
  const variables = isObject(server.variables) ? server.variables : {};
  let unresolved: string | undefined;
  const url = server.url.replace(/\{([^{}]+)\}/g, (match, name: string) => {
    const variable = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (
      isObject(variable) &&
      (typeof variable.default === 'string' || typeof variable.default === 'number')
    ) {
      return String(variable.default);
    }
    unresolved ??= name;
    return match;
  });
  return unresolved === undefined ? { url } : { url, unresolved };
}

function swaggerServer(doc: ApiDocument, operation: JsonObject): DeclaredServer {
  const declared = typeof doc.root.basePath === 'string' ? doc.root.basePath : '';
  const basePath = declared === '' || declared.startsWith('/') ? declared : `/${declared}`;
  if (typeof doc.root.host !== 'string' || doc.root.host === '') return { url: basePath };
  const schemes = Array.isArray(operation.schemes) ? operation.schemes : doc.root.schemes;
  const scheme = Array.isArray(schemes) && typeof schemes[0] === 'string' ? schemes[0] : 'https';
  return { url: `${scheme}://${doc.root.host}${basePath}` };
}
