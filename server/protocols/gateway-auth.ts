import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from 'jose';
import { verifyPassword } from '../auth/passwords.ts';
import type { AppDeps } from '../context.ts';
import { fetchDocument } from '../tools/executor/index.ts';
import type { GatewayAuthMethod, ServedGateway } from './gateway-registry.ts';

export const ALL_SCOPES = ['tools:read', 'tools:execute', 'gateway:read'] as const;
export type GatewayScope = (typeof ALL_SCOPES)[number];

/** Who is calling a gateway, once a method accepted them. */
export interface GatewayCaller {
  method: GatewayAuthMethod['type'];
  scopes: ReadonlySet<string>;
  apiKeyId: string | null;
  userId: string | null;
  /** Identifies the caller for per-tool rate limits. */
  rateKey: string;
}

export type AuthDecision =
  | { ok: true; caller: GatewayCaller }
  | { ok: false; status: 401 | 403; message: string; challenges: string[] };

export interface GatewayAuthenticator {
  authenticate(gateway: ServedGateway, request: Request, clientIp: string): Promise<AuthDecision>;
}

const BASIC_CACHE_MS = 60_000;
const READ_SCOPES = new Set<string>(['tools:read', 'gateway:read']);

function bearerToken(request: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
  return match?.[1] ?? null;
}

function challengeFor(gateway: ServedGateway, method: GatewayAuthMethod): string {
  const realm = `realm="${gateway.organizationSlug}${gateway.endpoint}"`;
  switch (method.type) {
    case 'api_key':
      return `ApiKey ${realm}, header="${String(method.configuration.keyHeader ?? 'X-API-Key')}"`;
    case 'basic_auth':
      return `Basic realm="${String(method.configuration.realm ?? `${gateway.organizationSlug}${gateway.endpoint}`)}", charset="UTF-8"`;
    case 'oauth2':
      return `Bearer resource_metadata="${gateway.url}/.well-known/oauth-protected-resource"`;
    default:
      return `Bearer ${realm}`;
  }
}

function ipAllowed(ranges: string[], clientIp: string): boolean {
  if (ranges.length === 0) return true;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(clientIp);
  } catch {
    return false;
  }
  return ranges.some((range) => {
    const [network, bits] = range.includes('/')
      ? ipaddr.parseCIDR(range)
      : [ipaddr.process(range), range.includes(':') ? 128 : 32];
    const candidate =
      network.kind() === 'ipv6' && address.kind() === 'ipv4'
        ? (address as ipaddr.IPv4).toIPv4MappedAddress()
        : address;
    return candidate.kind() === network.kind() && candidate.match(network as never, bits as number);
  });
}

function scopesOfClaims(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  if (typeof payload.scope === 'string')
    for (const scope of payload.scope.split(/\s+/)) if (scope) scopes.add(scope);
  if (Array.isArray(payload.scopes))
    for (const scope of payload.scopes) if (typeof scope === 'string') scopes.add(scope);
  return scopes;
}

/**
 * Gateway authentication shared by every protocol: default deny, methods tried in order, the first that
 * accepts wins; its validation rules (addresses, headers) then apply. Missing or wrong credentials give
 * 401 with one challenge per method; valid ones from a disallowed address or without a required header
 * give 403. Nothing slow runs per request: keys are digests, basic-auth successes are cached briefly.
 */
export function createGatewayAuthenticator(deps: AppDeps): GatewayAuthenticator {
  const basicSuccesses = new Map<string, { userId: string; role: string; until: number }>();
  const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  function jwksFor(url: string) {
    let set = jwksSets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), {
        cooldownDuration: 10_000,
        cacheMaxAge: 10 * 60_000,
        [customFetch]: async (target: string) =>
          new Response(
            await fetchDocument(target, {
              allowedUpstreams: deps.allowedUpstreams,
              maxBytes: 512 * 1024,
              timeoutMs: 5_000,
            }),
            {
              headers: { 'content-type': 'application/json' },
            },
          ),
      });
      jwksSets.set(url, set);
    }
    return set;
  }

  async function byKey(gateway: ServedGateway, key: string | null): Promise<GatewayCaller | null> {
    if (!key) return null;
    const record = await deps.gatewayKeys.verify(key);
    if (!record || record.gatewayId !== gateway.id) return null;
    deps.gatewayKeyUsage.touch(record.id);
    return {
      method: 'api_key',
      scopes: new Set(record.scopes),
      apiKeyId: record.id,
      userId: null,
      rateKey: `key:${record.id}`,
    };
  }

  async function byBasic(gateway: ServedGateway, request: Request): Promise<GatewayCaller | null> {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.get('authorization') ?? '');
    if (!match) return null;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return null;
    const email = decoded.slice(0, colon).trim().toLowerCase();
    const password = decoded.slice(colon + 1);
    const cacheKey = createHash('sha256')
      .update(`${gateway.organizationId}\n${email}\n${password}`)
      .digest('hex');
    let success = basicSuccesses.get(cacheKey);
    if (!success || success.until < Date.now()) {
      basicSuccesses.delete(cacheKey);
      const user = await deps.db.user.findUnique({
        where: { email },
        select: {
          id: true,
          passwordHash: true,
          memberships: { where: { organizationId: gateway.organizationId }, select: { role: true } },
        },
      });
      const role = user?.memberships[0]?.role;
      if (!user || !role || !(await verifyPassword(user.passwordHash, password))) return null;
      success = { userId: user.id, role, until: Date.now() + BASIC_CACHE_MS };
      if (basicSuccesses.size >= 10_000) basicSuccesses.clear();
      basicSuccesses.set(cacheKey, success);
    }
    // Viewers may look but not call; every other role may do everything.
    const scopes = success.role === 'viewer' ? READ_SCOPES : new Set<string>(ALL_SCOPES);
    return {
      method: 'basic_auth',
      scopes,
      apiKeyId: null,
      userId: success.userId,
      rateKey: `user:${success.userId}`,
    };
  }

  async function byJwt(method: GatewayAuthMethod, token: string | null): Promise<GatewayCaller | null> {
    if (!token) return null;
    if (token.split('.').length !== 3) return null;
    const options = {
      ...(method.configuration.issuer ? { issuer: String(method.configuration.issuer) } : {}),
      ...(method.configuration.audience ? { audience: String(method.configuration.audience) } : {}),
    };
    try {
      const { payload } = method.secret
        ? await jwtVerify(token, new TextEncoder().encode(method.secret), {
            ...options,
            algorithms: ['HS256'],
          })
        : await jwtVerify(token, jwksFor(String(method.configuration.jwksUrl)), {
            ...options,
            algorithms: ['RS256', 'ES256'],
          });
      const subject = payload.sub ?? 'anonymous';
      return {
        method: 'jwt',
        scopes: scopesOfClaims(payload),
        apiKeyId: null,
        userId: null,
        rateKey: `jwt:${subject}`,
      };
    } catch {
      // A bad signature, a wrong issuer or an unreachable key set all mean: not accepted by this method.
      return null;
    }
  }

  async function accept(
    gateway: ServedGateway,
    method: GatewayAuthMethod,
    request: Request,
    clientIp: string,
  ): Promise<GatewayCaller | null> {
    switch (method.type) {
      case 'none':
        return {
          method: 'none',
          scopes: new Set(ALL_SCOPES),
          apiKeyId: null,
          userId: null,
          rateKey: `ip:${clientIp}`,
        };
      case 'api_key': {
        const header = String(method.configuration.keyHeader ?? 'X-API-Key');
        const presented =
          request.headers.get(header) ??
          bearerToken(request) ??
          new URL(request.url).searchParams.get('api_key');
        return byKey(gateway, presented);
      }
      case 'bearer_token':
        return byKey(gateway, bearerToken(request));
      case 'basic_auth':
        return byBasic(gateway, request);
      case 'jwt':
        return byJwt(method, bearerToken(request));
      case 'oauth2':
        // The gateway's own authorization server is not part of this release; nothing is accepted here.
        return null;
    }
  }

  return {
    async authenticate(gateway, request, clientIp) {
      if (gateway.authMethods.length === 0) {
        return {
          ok: false,
          status: 403,
          message:
            'This gateway has no auth method, so it refuses every call: add one (type none makes it public)',
          challenges: [],
        };
      }
      for (const method of gateway.authMethods) {
        const caller = await accept(gateway, method, request, clientIp);
        if (!caller) continue;
        if (!ipAllowed(method.allowedIpRanges, clientIp)) {
          return {
            ok: false,
            status: 403,
            message: `Calls from ${clientIp} are not allowed on this gateway`,
            challenges: [],
          };
        }
        const missing = method.requiredHeaders.filter((name) => !request.headers.get(name));
        if (missing.length > 0) {
          return {
            ok: false,
            status: 403,
            message: `Missing required header ${missing.join(', ')}`,
            challenges: [],
          };
        }
        return { ok: true, caller };
      }
      const oauthOnly = gateway.authMethods.every((method) => method.type === 'oauth2');
      return {
        ok: false,
        status: 401,
        message: oauthOnly
          ? 'This gateway accepts only OAuth 2.1 tokens of its own authorization server, which is not available in this release'
          : 'Missing or invalid credentials for this gateway',
        challenges: gateway.authMethods.map((method) => challengeFor(gateway, method)),
      };
    },
  };
}
