import type { AppDeps, RequestFacts } from '../context.ts';
import type { GatewayType } from '../generated/prisma/enums.ts';
import { errorResponse } from '../http/responses.ts';
import { RESERVED_SEGMENTS } from '../services/slugs.ts';
import type { GatewayAuthenticator } from './gateway-auth.ts';
import type { GatewayRegistry, ServedGateway } from './gateway-registry.ts';
import { GatewaySession } from './gateway-session.ts';

/** A protocol's view of a gateway: it answers every request under the gateway URL. */
export interface ProtocolAdapter {
  /** `subpath` is what follows the gateway URL: '' for the URL itself, else starting with '/'. */
  handle(session: GatewaySession, subpath: string): Promise<Response>;
  /** The answer, in the protocol's own error form, while the gateway is inactive or in maintenance. */
  unavailable(gateway: ServedGateway, message: string): Response;
}

const PROTOCOL_ALIASES = new Set<GatewayType>(['mcp', 'a2a', 'utcp', 'skills']);

/** Whether a path belongs to a gateway (agents' traffic) rather than to the management API. */
export function isGatewayPath(pathname: string): boolean {
  const [first = '', second = ''] = pathname.split('/').slice(1);
  if (second === '') return false;
  return PROTOCOL_ALIASES.has(first as GatewayType) || !RESERVED_SEGMENTS.has(first);
}

export type ProtocolHost = (request: Request, facts: RequestFacts) => Promise<Response | null>;

/**
 * Serves gateways at `/<organization slug or id><endpoint>` and at the aliases `/<protocol>/<org><endpoint>`
 * (which answer only for a gateway of that protocol). Returns null for paths that are not gateway URLs,
 * so the management routes keep every reserved first segment.
 */
export function createProtocolHost(
  deps: AppDeps,
  registry: GatewayRegistry,
  authenticator: GatewayAuthenticator,
  adapters: Partial<Record<GatewayType, ProtocolAdapter>>,
): ProtocolHost {
  return async (request, facts) => {
    const url = new URL(request.url);
    const segments = url.pathname.split('/').slice(1);
    let alias: GatewayType | null = null;
    if (PROTOCOL_ALIASES.has(segments[0] as GatewayType) && segments.length >= 3) {
      alias = segments.shift() as GatewayType;
    } else if (RESERVED_SEGMENTS.has(segments[0] ?? '')) {
      return null;
    }
    const [organization, endpointSegment, ...rest] = segments;
    // Slugs and ids are plain ASCII, so nothing is decoded: a malformed escape or a NUL must not reach the
    // database as a slug (it made the lookup throw).
    if (!organization || !/^[A-Za-z0-9-]{1,64}$/.test(organization)) return null;
    if (!endpointSegment || !/^[a-z0-9_-]{1,64}$/.test(endpointSegment)) return null;
    const gateway = await registry.find(organization, `/${endpointSegment}`);
    if (!gateway || (alias && gateway.type !== alias)) {
      return errorResponse('NOT_FOUND', `No gateway at ${url.pathname.slice(0, 200)}`);
    }
    const adapter = adapters[gateway.type];
    if (!adapter) {
      return errorResponse(
        'NOT_FOUND',
        `Gateways of type ${gateway.type} are not served by this server version`,
      );
    }
    if (gateway.status !== 'active') {
      return adapter.unavailable(gateway, `Gateway '${gateway.name}' is ${gateway.status}; try again later`);
    }
    const subpath = rest.length > 0 ? `/${rest.join('/')}` : '';
    return adapter.handle(new GatewaySession(deps, gateway, request, facts.clientIp, authenticator), subpath);
  };
}
