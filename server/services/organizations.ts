import { z } from 'zod';
import { assertCan, requireUser } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { badRequest, translatePrismaError } from '../errors.ts';
import type { Organization, Prisma } from '../generated/prisma/client.ts';
import { slugCandidate, slugify } from './slugs.ts';
import {
  assertUuid,
  descriptionField,
  nameField,
  type PageWindow,
  pageWindow,
  parseInput,
} from './validation.ts';

type Transaction = Prisma.TransactionClient;

/** Creates an organization with a free slug derived from its name, owned by `userId`. */
export async function insertOrganizationWithOwner(
  tx: Transaction,
  userId: string,
  fields: { name: string; description: string | null },
): Promise<Organization> {
  const base = slugify(fields.name);
  const taken = new Set(
    (
      await tx.organization.findMany({
        where: { slug: { startsWith: base.slice(0, 44) } },
        select: { slug: true },
      })
    ).map((row) => row.slug),
  );
  let attempt = 0;
  while (taken.has(slugCandidate(base, attempt))) attempt += 1;
  return tx.organization.create({
    data: {
      name: fields.name,
      description: fields.description,
      slug: slugCandidate(base, attempt),
      memberships: { create: { userId, role: 'owner' } },
    },
  });
}

/** Tells every instance that a user's organizations or roles changed. */
export function membershipsChanged(ctx: ServiceContext, userId: string): void {
  ctx.deps.identity.forgetMemberships(userId);
  ctx.deps.bus.publish('membershipChanged', { userId });
}

export interface OrganizationWithRole extends Organization {
  role: string;
}

/** The viewer's organizations, oldest membership first. @throws UNAUTHORIZED */
export async function listOrganizations(
  ctx: ServiceContext,
  args: { page?: number | null; limit?: number | null },
): Promise<{ items: OrganizationWithRole[]; total: number } & PageWindow> {
  const viewer = requireUser(ctx.viewer);
  const window = pageWindow(args);
  const where = { userId: viewer.userId };
  const [rows, total] = await Promise.all([
    ctx.deps.db.membership.findMany({
      where,
      include: { organization: true },
      orderBy: [{ createdAt: 'asc' }, { organizationId: 'asc' }],
      skip: window.skip,
      take: window.take,
    }),
    ctx.deps.db.membership.count({ where }),
  ]);
  return { ...window, total, items: rows.map((row) => ({ ...row.organization, role: row.role })) };
}

/** @throws NOT_FOUND unless the viewer is a member. */
export async function getOrganization(ctx: ServiceContext, id: string): Promise<OrganizationWithRole> {
  const { role, organizationId } = assertCan(ctx.viewer, 'organization:read', assertUuid('id', id));
  const organization = await ctx.deps.db.organization.findUniqueOrThrow({ where: { id: organizationId } });
  return { ...organization, role };
}

const organizationInput = z.object({ name: nameField, description: descriptionField.nullish() });

/** Creates an organization; the creator becomes its owner. @throws BAD_REQUEST, UNAUTHORIZED */
export async function createOrganization(ctx: ServiceContext, input: unknown): Promise<OrganizationWithRole> {
  const viewer = requireUser(ctx.viewer);
  const fields = parseInput(organizationInput, input);
  const organization = await ctx.deps.db
    .$transaction((tx) =>
      insertOrganizationWithOwner(tx, viewer.userId, {
        name: fields.name,
        description: fields.description ?? null,
      }),
    )
    .catch((error) =>
      translatePrismaError(error, { conflict: 'That organization name was just taken: try again' }),
    );
  membershipsChanged(ctx, viewer.userId);
  return { ...organization, role: 'owner' };
}

const organizationUpdate = z.strictObject({
  name: nameField.optional(),
  description: descriptionField.nullish(),
  storeExecutionPayloads: z.boolean('must be true or false').optional(),
});

/**
 * Renames or re-describes an organization, or opts in or out of keeping tool-call arguments and results
 * (secrets redacted) in execution records. Its slug (and so its gateway URLs) stays.
 * @throws BAD_REQUEST naming the field; FORBIDDEN below admin; NOT_FOUND unless a member.
 */
export async function updateOrganization(
  ctx: ServiceContext,
  id: string,
  input: unknown,
): Promise<OrganizationWithRole> {
  const { role, organizationId } = assertCan(ctx.viewer, 'organization:update', assertUuid('id', id));
  const fields = parseInput(organizationUpdate, input);
  if (Object.keys(fields).length === 0)
    throw badRequest('input', 'input: give at least one of name, description, storeExecutionPayloads');
  const organization = await ctx.deps.db.organization.update({ where: { id: organizationId }, data: fields });
  // Cached tools carry the payload setting; every instance drops them so the next call follows it.
  if (fields.storeExecutionPayloads !== undefined) {
    ctx.deps.bus.publish('organizationChanged', { organizationId });
  }
  return { ...organization, role };
}

/** Deletes an organization and everything in it. @throws FORBIDDEN unless owner */
export async function deleteOrganization(
  ctx: ServiceContext,
  id: string,
): Promise<{ id: string; deleted: boolean }> {
  const { organizationId } = assertCan(ctx.viewer, 'organization:delete', assertUuid('id', id));
  const members = await ctx.deps.db.membership.findMany({
    where: { organizationId },
    select: { userId: true },
  });
  const gateways = await ctx.deps.db.gateway.findMany({ where: { organizationId }, select: { id: true } });
  await ctx.deps.db.organization.delete({ where: { id: organizationId } });
  for (const member of members) membershipsChanged(ctx, member.userId);
  const occurredAt = new Date().toISOString();
  for (const gateway of gateways) {
    ctx.deps.bus.publish('gatewayChanged', {
      kind: 'DELETED',
      organizationId,
      gatewayId: gateway.id,
      occurredAt,
    });
  }
  return { id: organizationId, deleted: true };
}
