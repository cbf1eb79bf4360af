import type { PrismaClient } from '../generated/prisma/client.ts';
import { type EventBus, listen } from '../pubsub.ts';
import { type TokenSettings, verifyManagementToken } from './management-tokens.ts';
import type { OrganizationRole, Viewer } from './policy.ts';
import { PERSONAL_TOKEN_LABEL } from './secret-keys.ts';
import { createSecretVerifier, type SecretVerifier, type StoredSecret } from './secret-verifier.ts';
import type { UsageRecorder } from './usage-recorder.ts';

interface PersonalTokenRecord extends StoredSecret {
  userId: string;
}

export interface IdentityResolver {
  /** The one place a management request becomes a caller identity; every surface uses it. */
  resolve(headers: Headers): Promise<Viewer>;
  revokeToken(jti: string, expiresAt: Date): Promise<void>;
  personalTokens: SecretVerifier<PersonalTokenRecord>;
  forgetMemberships(userId: string): void;
  /** The user's current organizations and roles (cached, corrected by events). */
  rolesOf(userId: string): Promise<OrganizationRole[]>;
  close(): Promise<void>;
}

const MEMBERSHIP_TTL_MS = 30_000;

/**
 * Resolves management callers. Revoked token ids and memberships are kept in memory and corrected through
 * the event bus, so an authenticated request costs no database read once warm, yet a logout or a role
 * change on any instance applies at once everywhere.
 */
export async function createIdentityResolver(deps: {
  db: PrismaClient;
  bus: EventBus;
  tokens: TokenSettings;
  digestKey: Buffer;
  personalTokenUsage: UsageRecorder;
}): Promise<IdentityResolver> {
  const { db, bus } = deps;
  const revoked = new Map<string, number>();
  for (const row of await db.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } })) {
    revoked.set(row.jti, row.expiresAt.getTime());
  }
  const memberships = new Map<string, { roles: OrganizationRole[]; loadedAt: number }>();
  const personalTokens = createSecretVerifier<PersonalTokenRecord>({
    label: PERSONAL_TOKEN_LABEL,
    digestKey: deps.digestKey,
    lookup: (prefix) =>
      db.personalAccessToken.findUnique({
        where: { prefix },
        select: { id: true, userId: true, digest: true, expiresAt: true, revokedAt: true },
      }),
  });

  const listeners = [
    listen(bus.subscribe('tokenRevoked'), async ({ jti }) => {
      const row = await db.revokedToken.findUnique({ where: { jti } });
      if (row) revoked.set(jti, row.expiresAt.getTime());
    }),
    listen(bus.subscribe('membershipChanged'), ({ userId }) => memberships.delete(userId)),
  ];

  async function rolesOf(userId: string): Promise<OrganizationRole[]> {
    const cached = memberships.get(userId);
    if (cached && Date.now() - cached.loadedAt < MEMBERSHIP_TTL_MS) return cached.roles;
    const roles = await db.membership.findMany({
      where: { userId },
      select: { organizationId: true, role: true },
      orderBy: { createdAt: 'asc' },
    });
    memberships.set(userId, { roles, loadedAt: Date.now() });
    return roles;
  }

  async function authenticate(token: string) {
    if (token.startsWith(PERSONAL_TOKEN_LABEL)) {
      const record = await personalTokens.verify(token);
      if (!record) return null;
      deps.personalTokenUsage.touch(record.id);
      return {
        userId: record.userId,
        credentialId: record.id,
        via: 'personal_token' as const,
        expiresAt: record.expiresAt,
      };
    }
    const verified = await verifyManagementToken(deps.tokens, token);
    if (!verified) return null;
    const revokedUntil = revoked.get(verified.jti);
    if (revokedUntil !== undefined) return null;
    return {
      userId: verified.userId,
      credentialId: verified.jti,
      via: 'jwt' as const,
      expiresAt: verified.expiresAt,
    };
  }

  return {
    personalTokens,
    async resolve(headers) {
      const authorization = headers.get('authorization');
      if (!authorization) return { kind: 'anonymous', rejectedCredentials: false };
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const identity = match?.[1] ? await authenticate(match[1]) : null;
      if (!identity) return { kind: 'anonymous', rejectedCredentials: true };
      const roles = await rolesOf(identity.userId);
      // Ids are UUIDs, stored in lower case; a client may send them in either case.
      const requested = headers.get('x-organization-id')?.trim().toLowerCase();
      const organizationId = requested
        ? (roles.find((entry) => entry.organizationId === requested)?.organizationId ?? null)
        : roles.length === 1
          ? roles[0]!.organizationId
          : null;
      return {
        kind: 'user',
        userId: identity.userId,
        credentialId: identity.credentialId,
        via: identity.via,
        tokenExpiresAt: identity.expiresAt,
        memberships: roles,
        organizationId,
      };
    },
    async revokeToken(jti, expiresAt) {
      await db.revokedToken.upsert({ where: { jti }, create: { jti, expiresAt }, update: {} });
      revoked.set(jti, expiresAt.getTime());
      bus.publish('tokenRevoked', { jti });
      // Expired entries can never match a valid token again; dropping them keeps the map small.
      const now = Date.now();
      for (const [id, until] of revoked) if (until <= now) revoked.delete(id);
    },
    rolesOf,
    forgetMemberships(userId) {
      memberships.delete(userId);
    },
    async close() {
      await Promise.all(listeners.map((stop) => stop()));
    },
  };
}
