/**
 * The shapes shared by the tool importer, the tool definitions service and the executor.
 *
 * Templates: strings may contain `{{parameters.<name>}}` (a dotted path into the call's arguments).
 * - In `url`, each template is replaced by the percent-encoded value.
 * - In `headers` and `queryParams` values, a value that is exactly one template is omitted when that
 *   argument is absent; an array value in `queryParams` repeats the parameter (`?tag=a&tag=b`).
 * - In `body`, a string that is exactly one template becomes the raw argument (any JSON type) and an
 *   object key whose value is an absent argument is dropped; templates inside longer strings interpolate.
 *   `{{parameters}}` alone stands for the whole arguments object.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type BodyEncoding = 'json' | 'form' | 'multipart' | 'text';

export interface HttpExecutionConfig {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  queryParams?: Record<string, string>;
  body?: unknown;
  /** How `body` is sent; `json` when omitted. */
  bodyEncoding?: BodyEncoding;
  /** Total time for one attempt, in milliseconds. */
  timeout?: number;
  /** Extra attempts after a failure; only used for idempotent methods. */
  retries?: number;
}

export interface GraphqlExecutionConfig {
  endpoint: string;
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
  timeout?: number;
  retries?: number;
}

/** A JSON Schema object (draft 2020-12 or draft-07 as documents give it). */
export type JsonSchema = Record<string, unknown>;

/** An upstream credential after decryption, as the executor injects it. Never logged or returned. */
export type UpstreamCredential =
  | { type: 'api_key'; in: 'header' | 'query' | 'cookie'; name: string; value: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | {
      type: 'oauth2_client_credentials';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scopes?: string[];
    };
