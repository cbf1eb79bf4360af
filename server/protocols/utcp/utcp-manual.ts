import type { JsonSchema } from '../../tools/types.ts';
import type { GatewayAuthMethod, GatewayTool, ServedGateway } from '../gateway-registry.ts';

/** The UTCP specification version the manual follows. */
export const UTCP_VERSION = '1.0.1';
export const DEFAULT_MANUAL_VERSION = '1.0.0';

/**
 * Sent by the manual's call templates. UTCP's HTTP protocol sends the value of the `body_field` input as
 * the whole body, so a UTCP client posts the arguments object itself, while plain callers post
 * `{"arguments": {…}}`; this header tells the invoke route which of the two it received.
 */
export const BODY_FORM_HEADER = 'X-Toolgate-Body';
export const BODY_FORM_ARGUMENTS = 'arguments';

type UtcpAuth =
  | { auth_type: 'api_key'; api_key: string; var_name: string; location: 'header' }
  | { auth_type: 'basic'; username: string; password: string };

interface CallTemplateAccess {
  auth?: UtcpAuth;
  headers: Record<string, string>;
}

/** `${NAME}` placeholders a UTCP client fills from its variables (namespaced by the manual's name). */
const variable = (name: string) => `\${TOOLGATE_${name}}`;

function headerVariable(header: string): string {
  return variable(`HEADER_${header.toUpperCase().replaceAll('-', '_')}`);
}

/**
 * The credentials the manual's call templates carry, mirroring the first auth method a UTCP client can
 * satisfy, with placeholders instead of secrets so every call is authenticated and attributed to the
 * caller's own key. OAuth 2.1 is skipped: this release issues no tokens for it. A leading `none` means
 * calls need no credentials at all.
 */
function accessFor(methods: readonly GatewayAuthMethod[]): CallTemplateAccess {
  for (const method of methods) {
    const headers = Object.fromEntries(method.requiredHeaders.map((name) => [name, headerVariable(name)]));
    switch (method.type) {
      case 'none':
        return { headers };
      case 'api_key': {
        const header = String(method.configuration.keyHeader ?? 'X-API-Key');
        return {
          auth: { auth_type: 'api_key', api_key: variable('API_KEY'), var_name: header, location: 'header' },
          headers,
        };
      }
      case 'bearer_token':
        return {
          auth: {
            auth_type: 'api_key',
            api_key: `Bearer ${variable('API_KEY')}`,
            var_name: 'Authorization',
            location: 'header',
          },
          headers,
        };
      case 'jwt':
        return {
          auth: {
            auth_type: 'api_key',
            api_key: `Bearer ${variable('JWT')}`,
            var_name: 'Authorization',
            location: 'header',
          },
          headers,
        };
      case 'basic_auth':
        return {
          auth: { auth_type: 'basic', username: variable('USERNAME'), password: variable('PASSWORD') },
          headers,
        };
      case 'oauth2':
        break;
    }
  }
  return { headers: {} };
}

/**
 * Places `schema` under `property` of an object schema. Definitions move to the root, where the
 * `#/$defs/…` references written against the original root still resolve.
 */
function wrapSchema(
  property: string,
  schema: JsonSchema,
  extra: Record<string, JsonSchema> = {},
): JsonSchema {
  const { $schema, $defs, definitions, ...rest } = schema;
  return {
    ...($schema === undefined ? {} : { $schema }),
    type: 'object',
    properties: { [property]: rest, ...extra },
    required: [property, ...Object.keys(extra)],
    ...($defs === undefined ? {} : { $defs }),
    ...(definitions === undefined ? {} : { definitions }),
  };
}

const METADATA_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    duration: { type: 'number', description: 'Time the call took, in milliseconds' },
    toolId: { type: 'string' },
    toolName: { type: 'string' },
    upstreamStatus: { type: 'integer' },
  },
};

function manualTool(gateway: ServedGateway, tool: GatewayTool, access: CallTemplateAccess, tags: string[]) {
  return {
    name: tool.name,
    description: tool.description,
    // The template's body_field is `arguments`: the tool's own parameters are that one input's schema.
    inputs: wrapSchema('arguments', tool.parameters),
    // A UTCP client returns the invoke route's whole answer, so the outputs describe that envelope.
    outputs: wrapSchema('result', tool.outputSchema ?? {}, { metadata: METADATA_SCHEMA }),
    tags: tool.deprecated ? [...tags, 'deprecated'] : tags,
    tool_call_template: {
      call_template_type: 'http',
      url: `${gateway.url}/tools/${encodeURIComponent(tool.name)}/invoke`,
      http_method: 'POST',
      content_type: 'application/json',
      body_field: 'arguments',
      headers: { [BODY_FORM_HEADER]: BODY_FORM_ARGUMENTS, ...access.headers },
      ...(access.auth ? { auth: access.auth } : {}),
    },
  };
}

/**
 * The gateway's UTCP 1.x manual listing `tools` (those the caller may see). Each call template points back
 * at the gateway's own invoke route, so calls made from the manual pass the same authentication, limits
 * and auditing as any other. Secrets appear as placeholders: with the manual registered under the name
 * `acme`, a UTCP client supplies the key as the variable `acme_TOOLGATE_API_KEY` (basic auth:
 * `…_TOOLGATE_USERNAME` and `…_TOOLGATE_PASSWORD`; JWT: `…_TOOLGATE_JWT`; a required header `X-Tenant`:
 * `…_TOOLGATE_HEADER_X_TENANT`).
 */
export function buildUtcpManual(gateway: ServedGateway, tools: readonly GatewayTool[]) {
  const access = accessFor(gateway.authMethods);
  const tags = [gateway.endpoint.slice(1)];
  const manualVersion = gateway.configuration.manualVersion;
  return {
    utcp_version: UTCP_VERSION,
    manual_version: typeof manualVersion === 'string' ? manualVersion : DEFAULT_MANUAL_VERSION,
    tools: tools.map((tool) => manualTool(gateway, tool, access, tags)),
  };
}
