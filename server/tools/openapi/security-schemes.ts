import { isObject, type JsonObject, resolveObject } from './refs.ts';
import type { ApiDocument, ImportedSecurityScheme } from './types.ts';

/**
 * The security schemes a document declares (OpenAPI 3 `components.securitySchemes`, Swagger 2.0
 * `securityDefinitions`), in document order, mapped to the credential kinds the executor can inject. Schemes
 * it cannot serve (OAuth 2 flows other than client credentials, OpenID Connect, mutual TLS, other HTTP
 * schemes) are listed with kind `unsupported`.
 * @throws ApiImportError when a scheme is an unresolvable `$ref`.
 */
export function listSecuritySchemes(doc: ApiDocument): ImportedSecurityScheme[] {
  const swagger = doc.dialect === 'swagger-2.0';
  const declared = swagger
    ? doc.root.securityDefinitions
    : isObject(doc.root.components)
      ? doc.root.components.securitySchemes
      : undefined;
  if (!isObject(declared)) return [];
  return Object.entries(declared).map(([name, raw]) => {
    const scheme = resolveObject(doc, raw, `Security scheme ${name}`);
    const description = typeof scheme.description === 'string' ? { description: scheme.description } : {};
    return { name, ...(swagger ? swaggerScheme(scheme) : openApiScheme(scheme)), ...description };
  });
}

/**
 * Names of the schemes in the first alternative of an operation's security requirements (the operation's
 * own `security` if present, even when empty, else the document's). Empty when no authentication is needed.
 */
export function operationSecurity(doc: ApiDocument, operation: JsonObject): string[] {
  const requirements = Array.isArray(operation.security) ? operation.security : doc.root.security;
  if (!Array.isArray(requirements)) return [];
  const [first] = requirements;
  return isObject(first) ? Object.keys(first) : [];
}

type SchemeFields = Omit<ImportedSecurityScheme, 'name' | 'description'>;

function openApiScheme(scheme: JsonObject): SchemeFields {
  const type = typeof scheme.type === 'string' ? scheme.type : '';
  if (type === 'apiKey') return apiKey(scheme);
  if (type === 'http') {
    const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
    if (httpScheme === 'bearer') return { kind: 'bearer' };
    if (httpScheme === 'basic') return { kind: 'basic' };
    return { kind: 'unsupported' };
  }
  if (type === 'oauth2' && isObject(scheme.flows) && isObject(scheme.flows.clientCredentials)) {
    return clientCredentials(scheme.flows.clientCredentials);
  }
  return { kind: 'unsupported' };
}

function swaggerScheme(scheme: JsonObject): SchemeFields {
  if (scheme.type === 'basic') return { kind: 'basic' };
  if (scheme.type === 'apiKey') return apiKey(scheme);
  if (scheme.type === 'oauth2' && scheme.flow === 'application') return clientCredentials(scheme);
  return { kind: 'unsupported' };
}

function apiKey(scheme: JsonObject): SchemeFields {
  const location = scheme.in;
  if (
    (location !== 'header' && location !== 'query' && location !== 'cookie') ||
    typeof scheme.name !== 'string'
  ) {
    return { kind: 'unsupported' };
  }
  return { kind: 'api_key', in: location, parameterName: scheme.name };
}

function clientCredentials(flow: JsonObject): SchemeFields {
  if (typeof flow.tokenUrl !== 'string') return { kind: 'unsupported' };
  const scopes = isObject(flow.scopes) ? Object.keys(flow.scopes) : [];
  return { kind: 'oauth2_client_credentials', tokenUrl: flow.tokenUrl, scopes };
}
