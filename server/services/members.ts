import { z } from 'zod';
import { assertCan } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { conflict, forbidden, notFound, translatePrismaError } from '../errors.ts';
import type { Role } from '../generated/prisma/enums.ts';
import { membershipsChanged } from './organizations.ts';
import { assertUuid, type PageWindow, pageWindow, parseInput } from './validation.ts';

export interface Member {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  role: Role;
  joinedAt: Date;
}

const roleField = z.enum(
  ['owner', 'admin', 'member', 'viewer'],
  'must be one of owner, admin, member, viewer',
);

/** @throws NOT_FOUND unless the viewer is a member of the organization. */
export async function listMembers(
  ctx: ServiceContext,
  organizationId: string,
  args: { page?: number | null; limit?: number | null },
): Promise<{ items: Member[]; total: number } & PageWindow> {
  const scope = assertCan(ctx.viewer, 'member:read', assertUuid('organizationId', organizationId));
  const window = pageWindow(args);
  const where = { organizationId: scope.organizationId };
  const [rows, total] = await Promise.all([
    ctx.deps.db.membership.findMany({
      where,
      include: { user: true },
      orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.membership.count({ where }),
  ]);
  return { ...window, total, items: rows.map(toMember) };
}

function toMember(row: {
  role: Role;
  createdAt: Date;
  user: { id: string; email: string; firstName: string; lastName: string };
}): Member {
  return {
    userId: row.user.id,
    email: row.user.email,
    firstName: row.user.firstName,
    lastName: row.user.lastName,
    role: row.role,
    joinedAt: row.createdAt,
  };
}

// Only an owner may hand out or take away ownership; admins manage everyone else.
function assertMayGrant(actorRole: Role, role: Role): void {
  if (role === 'owner' && actorRole !== 'owner') throw forbidden('Only an owner can make someone an owner');
}

function assertMayManage(actorRole: Role, memberRole: Role): void {
  if (memberRole === 'owner' && actorRole !== 'owner') {
    throw forbidden('Only an owner can change the role of an owner or remove one');
  }
}

const addMemberInput = z.object({ email: z.string().trim().toLowerCase().max(254), role: roleField });

/**
 * Adds a registered user to the organization.
 * @throws NOT_FOUND when no account has that email; CONFLICT when already a member; FORBIDDEN below admin.
 */
export async function addMember(
  ctx: ServiceContext,
  organizationId: string,
  input: unknown,
): Promise<Member> {
  const scope = assertCan(ctx.viewer, 'member:manage', assertUuid('organizationId', organizationId));
  const fields = parseInput(addMemberInput, input);
  assertMayGrant(scope.role, fields.role);
  const user = await ctx.deps.db.user.findUnique({ where: { email: fields.email } });
  if (!user) throw notFound(`User with email '${fields.email}' (they must register first)`);
  const row = await ctx.deps.db.membership
    .create({
      data: { organizationId: scope.organizationId, userId: user.id, role: fields.role },
      include: { user: true },
    })
    .catch((error) => translatePrismaError(error, { conflict: `${fields.email} is already a member` }));
  membershipsChanged(ctx, user.id);
  return toMember(row);
}

async function findMembership(ctx: ServiceContext, organizationId: string, userId: string) {
  const row = await ctx.deps.db.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId: assertUuid('userId', userId) } },
    include: { user: true },
  });
  if (!row) throw notFound('Member');
  return row;
}

async function assertNotLastOwner(ctx: ServiceContext, organizationId: string, role: Role): Promise<void> {
  if (role !== 'owner') return;
  const owners = await ctx.deps.db.membership.count({ where: { organizationId, role: 'owner' } });
  if (owners <= 1) throw conflict('The organization needs at least one owner: make someone else owner first');
}

/** @throws FORBIDDEN below admin (or touching an owner without being one); CONFLICT for the last owner. */
export async function updateMemberRole(
  ctx: ServiceContext,
  organizationId: string,
  userId: string,
  input: unknown,
): Promise<Member> {
  const scope = assertCan(ctx.viewer, 'member:manage', assertUuid('organizationId', organizationId));
  const { role } = parseInput(z.object({ role: roleField }), input);
  const current = await findMembership(ctx, scope.organizationId, userId);
  assertMayManage(scope.role, current.role);
  assertMayGrant(scope.role, role);
  if (current.role === role) return toMember(current);
  await assertNotLastOwner(ctx, scope.organizationId, current.role);
  const row = await ctx.deps.db.membership.update({
    where: { organizationId_userId: { organizationId: scope.organizationId, userId: current.userId } },
    data: { role },
    include: { user: true },
  });
  membershipsChanged(ctx, current.userId);
  return toMember(row);
}

/** Removes a member (members may also remove themselves). @throws FORBIDDEN, CONFLICT for the last owner. */
export async function removeMember(
  ctx: ServiceContext,
  organizationId: string,
  userId: string,
): Promise<{ id: string; deleted: boolean }> {
  const self = ctx.viewer.kind === 'user' && ctx.viewer.userId === userId.toLowerCase();
  const scope = assertCan(
    ctx.viewer,
    self ? 'member:read' : 'member:manage',
    assertUuid('organizationId', organizationId),
  );
  const current = await findMembership(ctx, scope.organizationId, userId);
  if (!self) assertMayManage(scope.role, current.role);
  await assertNotLastOwner(ctx, scope.organizationId, current.role);
  await ctx.deps.db.membership.delete({
    where: { organizationId_userId: { organizationId: scope.organizationId, userId: current.userId } },
  });
  membershipsChanged(ctx, current.userId);
  return { id: current.userId, deleted: true };
}
