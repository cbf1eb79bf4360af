import type { ServedGateway } from '../gateway-registry.ts';

export type OriginDecision =
  | {
      ok: true /** The allowed browser origin to answer with CORS headers, or null without Origin. */;
      origin: string | null;
    }
  | { ok: false; message: string };

// Parsed once per served gateway; the registry replaces the object whenever its configuration changes.
const allowedByGateway = new WeakMap<ServedGateway, ReadonlySet<string>>();

function serializedOrigin(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    // Opaque origins (file:, data:, the literal "null") serialize as "null" and can never be allowed.
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

function allowedOrigins(gateway: ServedGateway): ReadonlySet<string> {
  let allowed = allowedByGateway.get(gateway);
  if (!allowed) {
    const configured = Array.isArray(gateway.configuration.allowedOrigins)
      ? gateway.configuration.allowedOrigins
      : [];
    allowed = new Set(
      configured
        .flatMap((entry) => (typeof entry === 'string' ? [serializedOrigin(entry)] : []))
        .filter((origin) => origin !== null),
    );
    allowedByGateway.set(gateway, allowed);
  }
  return allowed;
}

/**
 * The MCP transport's DNS-rebinding defence: a request that carries an `Origin` header must come from
 * one of the gateway's `allowedOrigins` (compared as serialized origins: scheme, host and port);
 * requests without one (every non-browser client) pass.
 */
export function checkOrigin(request: Request, gateway: ServedGateway): OriginDecision {
  const header = request.headers.get('origin');
  if (header === null) return { ok: true, origin: null };
  const origin = serializedOrigin(header);
  if (origin === null || !allowedOrigins(gateway).has(origin)) {
    return {
      ok: false,
      message: `Origin ${header.slice(0, 200)} is not allowed to call this gateway: add it to the gateway's allowedOrigins`,
    };
  }
  return { ok: true, origin };
}

const EXPOSED_HEADERS = [
  'WWW-Authenticate',
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
].join(', ');

/** Lets an allowed browser origin read the answer, including the headers a client acts on. */
export function withCors(response: Response, origin: string | null): Response {
  if (origin === null) return response;
  response.headers.set('access-control-allow-origin', origin);
  response.headers.set('access-control-expose-headers', EXPOSED_HEADERS);
  response.headers.append('vary', 'Origin');
  return response;
}

/**
 * Answers a CORS preflight from an allowed origin. The requested headers are echoed because 2026-07-28
 * clients may send per-tool `Mcp-Param-*` headers whose names cannot be listed ahead of time; only origins
 * the gateway owner allowed ever get this far.
 */
export function preflightResponse(request: Request, origin: string | null): Response {
  const headers = new Headers({ allow: 'POST, OPTIONS' });
  if (origin !== null) {
    headers.set('access-control-allow-methods', 'POST, OPTIONS');
    const requested = request.headers.get('access-control-request-headers');
    if (requested) headers.set('access-control-allow-headers', requested.slice(0, 2000));
    headers.set('access-control-max-age', '600');
  }
  return withCors(new Response(null, { status: 204, headers }), origin);
}
