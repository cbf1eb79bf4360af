import type { HttpExecutionConfig, HttpMethod, JsonSchema } from '../types.ts';

/** Which specification a document follows; decides how schemas and parameters are read. */
export type ApiDialect = 'openapi-3.0' | 'openapi-3.1' | 'swagger-2.0';

/** A parsed and checked API description, as returned by `parseApiDocument`. Treat it as read-only. */
export interface ApiDocument {
  dialect: ApiDialect;
  /** The version as declared by the `openapi` or `swagger` field, e.g. `3.0.3` or `2.0`. */
  specVersion: string;
  /** The whole document as plain data. */
  root: Readonly<Record<string, unknown>>;
}

/** One HTTP operation of a document, ready to become a tool. */
export interface ImportedOperation {
  /** `${METHOD} ${path}`, the stable identity used on re-import. */
  key: string;
  operationId?: string;
  method: HttpMethod;
  /** The path as written in the document, e.g. `/pets/{petId}`. */
  path: string;
  summary?: string;
  /** Summary and/or description, trimmed; `${METHOD} ${path}` when the document gives neither. */
  description: string;
  tags: string[];
  /** One self-contained object schema: `{ type: 'object', properties, required, $defs? }`. */
  parameters: JsonSchema;
  /** Schema of the first 2xx JSON response (200 before 201 ...), if any. */
  outputSchema?: JsonSchema;
  executionConfig: HttpExecutionConfig;
  /** Security scheme names of the first requirement alternative (operation level, else document level). */
  security: string[];
  deprecated: boolean;
}

export interface ExtractOptions {
  /**
   * Absolute http(s) URL the API is served from. It replaces the document's absolute server URL; a relative
   * server URL in the document (`/v1`) is resolved against it like a link in a web page.
   */
  baseUrl?: string;
}

export type SecuritySchemeKind = 'api_key' | 'bearer' | 'basic' | 'oauth2_client_credentials' | 'unsupported';

/** A security scheme declared by the document, mapped to the credential types the executor can inject. */
export interface ImportedSecurityScheme {
  name: string;
  kind: SecuritySchemeKind;
  /** Where an API key goes. */
  in?: 'header' | 'query' | 'cookie';
  /** The header, query parameter or cookie name of an API key. */
  parameterName?: string;
  /** Token endpoint of the OAuth 2 client credentials flow. */
  tokenUrl?: string;
  /** Scopes the OAuth 2 client credentials flow offers. */
  scopes?: string[];
  description?: string;
}

/** A short summary of a document for API listings. */
export interface DocumentSummary {
  title: string;
  version: string;
  /** The declared specification version, e.g. `3.1.0` or `2.0`. */
  openapiVersion: string;
  operationCount: number;
}
