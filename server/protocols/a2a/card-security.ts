import type { GatewayAuthMethod, ServedGateway } from '../gateway-registry.ts';

/** One security scheme as both card versions write it. */
interface Scheme {
  name: string;
  /** A2A v0.3: OpenAPI-style objects with a `type` discriminator. */
  v03: Record<string, unknown>;
  /** A2A v1.0: ProtoJSON, the scheme kind as the key. */
  v1: Record<string, unknown>;
}

export interface CardSecurity {
  /** `securitySchemes` and `security` of a v0.3 card. */
  v03: { securitySchemes?: Record<string, unknown>; security?: Record<string, string[]>[] };
  /** `securitySchemes` and `securityRequirements` of a v1.0 card. */
  v1: { securitySchemes?: Record<string, unknown>; securityRequirements?: unknown[] };
}

const OAUTH_SCOPES: Record<string, string> = {
  'tools:read': 'See the skills and read your tasks',
  'tools:execute': 'Run skills',
};

/**
 * The gateway's OAuth 2.1 authorization server, described under the gateway URL like the protected-resource
 * metadata its 401 challenges point at; RFC 8414 metadata there names the endpoints for certain.
 */
function oauthScheme(gateway: ServedGateway, method: GatewayAuthMethod): Pick<Scheme, 'v03' | 'v1'> {
  const configured = method.configuration.scopes;
  const scopes = Array.isArray(configured)
    ? Object.fromEntries(
        configured.map((scope) => [String(scope), OAUTH_SCOPES[String(scope)] ?? String(scope)]),
      )
    : OAUTH_SCOPES;
  const oauth2MetadataUrl = `${gateway.url}/.well-known/oauth-authorization-server`;
  const flow = {
    authorizationUrl: `${gateway.url}/oauth/authorize`,
    tokenUrl: `${gateway.url}/oauth/token`,
    scopes,
  };
  const description =
    'OAuth 2.1 (authorization code with PKCE S256) with this gateway as authorization server';
  return {
    v03: { type: 'oauth2', description, oauth2MetadataUrl, flows: { authorizationCode: flow } },
    v1: {
      oauth2SecurityScheme: {
        description,
        oauth2MetadataUrl,
        flows: { authorizationCode: { ...flow, pkceRequired: true } },
      },
    },
  };
}

function schemeOf(
  gateway: ServedGateway,
  method: GatewayAuthMethod,
): Omit<Scheme, 'name'> & { base: string } {
  switch (method.type) {
    case 'api_key': {
      const header = String(method.configuration.keyHeader ?? 'X-API-Key');
      const description = `A gateway API key in the ${header} header (Authorization: Bearer and ?api_key= work too)`;
      return {
        base: 'apiKey',
        v03: { type: 'apiKey', in: 'header', name: header, description },
        v1: { apiKeySecurityScheme: { location: 'header', name: header, description } },
      };
    }
    case 'bearer_token': {
      const description = 'A gateway API key as a bearer token';
      return {
        base: 'bearer',
        v03: { type: 'http', scheme: 'bearer', description },
        v1: { httpAuthSecurityScheme: { scheme: 'Bearer', description } },
      };
    }
    case 'jwt': {
      const description = 'A JSON Web Token whose scope claim grants tools:read / tools:execute';
      return {
        base: 'jwt',
        v03: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description },
        v1: { httpAuthSecurityScheme: { scheme: 'Bearer', bearerFormat: 'JWT', description } },
      };
    }
    case 'basic_auth': {
      const description = "The email and password of a member of the gateway's organization";
      return {
        base: 'basic',
        v03: { type: 'http', scheme: 'basic', description },
        v1: { httpAuthSecurityScheme: { scheme: 'Basic', description } },
      };
    }
    case 'oauth2':
      return { base: 'oauth2', ...oauthScheme(gateway, method) };
    case 'none':
      throw new Error('an open gateway has no security scheme');
  }
}

/**
 * The card's security section, derived from the gateway's auth methods in the order they are tried: one
 * scheme per method and one alternative requirement per scheme. A `none` method adds the empty
 * requirement, which says (as in OpenAPI) that calls without credentials are accepted too.
 */
export function cardSecurity(gateway: ServedGateway): CardSecurity {
  const schemes: Scheme[] = [];
  let open = false;
  for (const method of gateway.authMethods) {
    if (method.type === 'none') {
      open = true;
      continue;
    }
    const { base, v03, v1 } = schemeOf(gateway, method);
    const taken = schemes.filter(
      (scheme) => scheme.name === base || scheme.name.startsWith(`${base}-`),
    ).length;
    schemes.push({ name: taken === 0 ? base : `${base}-${taken + 1}`, v03, v1 });
  }
  if (schemes.length === 0 && !open) return { v03: {}, v1: {} };
  const v03Security = schemes.map((scheme) => ({ [scheme.name]: [] as string[] }));
  const v1Requirements: unknown[] = schemes.map((scheme) => ({ schemes: { [scheme.name]: { list: [] } } }));
  if (open) {
    v03Security.push({});
    v1Requirements.push({});
  }
  return {
    v03: {
      ...(schemes.length > 0
        ? { securitySchemes: Object.fromEntries(schemes.map((s) => [s.name, s.v03])) }
        : {}),
      security: v03Security,
    },
    v1: {
      ...(schemes.length > 0
        ? { securitySchemes: Object.fromEntries(schemes.map((s) => [s.name, s.v1])) }
        : {}),
      securityRequirements: v1Requirements,
    },
  };
}
