import { DomainError, forbidden, notFound, unauthorized } from '../errors.ts';
import type { Role } from '../generated/prisma/enums.ts';

export type { Role };

export interface OrganizationRole {
  organizationId: string;
  role: Role;
}

export type Viewer =
  | { kind: 'anonymous'; rejectedCredentials: boolean }
  | {
      kind: 'user';
      userId: string;
      /** The JWT id or personal-token id that authenticated this request. */
      credentialId: string;
      via: 'jwt' | 'personal_token';
      tokenExpiresAt: Date | null;
      memberships: OrganizationRole[];
      /** The organization this request acts in, from X-Organization-Id or the only membership. */
      organizationId: string | null;
    };

export type UserViewer = Extract<Viewer, { kind: 'user' }>;

/** What a caller may do, and the least role that may do it. */
export const minimumRole = {
  'organization:read': 'viewer',
  'organization:update': 'admin',
  'organization:delete': 'owner',
  'member:read': 'viewer',
  'member:manage': 'admin',
  'gateway:read': 'viewer',
  'gateway:write': 'member',
  'tool:read': 'viewer',
  'tool:write': 'member',
  'tool:execute': 'member',
  'auth:read': 'viewer',
  'auth:manage': 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof minimumRole;

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, least: Role): boolean {
  return rank[role] >= rank[least];
}

/** @throws UNAUTHORIZED when the request carries no valid management credential. */
export function requireUser(viewer: Viewer): UserViewer {
  if (viewer.kind === 'user') return viewer;
  throw viewer.rejectedCredentials
    ? unauthorized('The token is invalid, expired or revoked: log in again to get a new one')
    : unauthorized();
}

/**
 * Checks that the viewer may perform `action` in an organization: the one named, or else the one the
 * request acts in. Returns that organization and the viewer's role there.
 * @throws UNAUTHORIZED without credentials; NO_ORGANIZATION when no organization is selected;
 * NOT_FOUND for an organization the viewer is not a member of; FORBIDDEN when the role is too low.
 */
export function assertCan(
  viewer: Viewer,
  action: Action,
  organizationId?: string,
): OrganizationRole & { userId: string } {
  const user = requireUser(viewer);
  const targetId = organizationId ?? selectedOrganization(user);
  const membership = user.memberships.find((entry) => entry.organizationId === targetId);
  if (!membership) throw notFound('Organization');
  if (!roleAtLeast(membership.role, minimumRole[action])) {
    throw forbidden(
      `Your role '${membership.role}' cannot do '${action}'; it needs '${minimumRole[action]}' or higher`,
    );
  }
  return { ...membership, userId: user.userId };
}

function selectedOrganization(user: UserViewer): string {
  if (user.organizationId) return user.organizationId;
  throw new DomainError(
    'NO_ORGANIZATION',
    user.memberships.length === 0
      ? 'You are not a member of any organization: create one with POST /organizations'
      : 'Select an organization with the X-Organization-Id header (one of your organizations’ ids)',
  );
}
