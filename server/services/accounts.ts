import { z } from 'zod';
import { signManagementToken } from '../auth/management-tokens.ts';
import { assertStrongPassword, hashPassword, verifyAgainstDecoy, verifyPassword } from '../auth/passwords.ts';
import { requireUser } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { badRequest, conflict, DomainError, notFound, translatePrismaError } from '../errors.ts';
import type { Organization, User } from '../generated/prisma/client.ts';
import { insertOrganizationWithOwner } from './organizations.ts';
import { descriptionField, nameField, parseInput } from './validation.ts';

const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address such as ada@example.com'));
const personName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const registerInput = z.object({
  email: emailField,
  password: z.string(),
  firstName: personName,
  lastName: personName,
  organizationName: nameField,
  organizationDescription: descriptionField.optional(),
});

const AUTH_WINDOW_MS = 15 * 60 * 1000;

async function limitAuthAttempts(ctx: ServiceContext, email: string | null): Promise<void> {
  const { limiter, env } = ctx.deps;
  const checks = [limiter.hit(`auth:ip:${ctx.clientIp}`, env.AUTH_ATTEMPTS_PER_IP, AUTH_WINDOW_MS)];
  if (email) checks.push(limiter.hit(`auth:account:${email}`, env.AUTH_ATTEMPTS_PER_ACCOUNT, AUTH_WINDOW_MS));
  const refused = (await Promise.all(checks)).find((decision) => !decision.allowed);
  if (refused) {
    throw new DomainError(
      'RATE_LIMITED',
      `Too many sign-in attempts: try again in ${refused.retryAfterSeconds} seconds`,
      {
        retryAfterSeconds: refused.retryAfterSeconds,
      },
    );
  }
}

export interface AuthPayload {
  token: string;
  user: User;
  organization: Organization | null;
}

/**
 * Creates an account and its first organization (the user becomes its owner) and signs them in.
 * @throws BAD_REQUEST for invalid fields or a weak password; CONFLICT when the email is registered;
 * RATE_LIMITED after too many attempts from one address.
 */
export async function register(ctx: ServiceContext, input: unknown): Promise<AuthPayload> {
  const fields = parseInput(registerInput, input);
  assertStrongPassword('password', fields.password);
  await limitAuthAttempts(ctx, null);
  const { db } = ctx.deps;
  if (await db.user.findUnique({ where: { email: fields.email }, select: { id: true } })) {
    throw conflict(`An account with email '${fields.email}' already exists: log in instead`);
  }
  const passwordHash = await hashPassword(fields.password);
  const { user, organization } = await db
    .$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: fields.email, passwordHash, firstName: fields.firstName, lastName: fields.lastName },
      });
      const organization = await insertOrganizationWithOwner(tx, user.id, {
        name: fields.organizationName,
        description: fields.organizationDescription ?? null,
      });
      return { user, organization };
    })
    .catch((error) =>
      translatePrismaError(error, { conflict: `An account with email '${fields.email}' already exists` }),
    );
  return { token: await signManagementToken(ctx.deps.tokens, user.id), user, organization };
}

const loginInput = z.object({ email: emailField, password: z.string().min(1, 'must not be empty').max(256) });

/**
 * Signs a user in with email and password.
 * @throws UNAUTHORIZED for a wrong email or password (the same answer for both); RATE_LIMITED after
 * too many attempts from one address or for one account.
 */
export async function login(ctx: ServiceContext, input: unknown): Promise<AuthPayload> {
  const fields = parseInput(loginInput, input);
  await limitAuthAttempts(ctx, fields.email);
  const user = await ctx.deps.db.user.findUnique({ where: { email: fields.email } });
  const valid = user
    ? await verifyPassword(user.passwordHash, fields.password)
    : await verifyAgainstDecoy(fields.password);
  if (!user || !valid) throw new DomainError('UNAUTHORIZED', 'Email or password is incorrect');
  return { token: await signManagementToken(ctx.deps.tokens, user.id), user, organization: null };
}

/** Revokes the token this request was made with. @throws UNAUTHORIZED without one. */
export async function logout(ctx: ServiceContext): Promise<{ loggedOut: boolean }> {
  const viewer = requireUser(ctx.viewer);
  if (viewer.via === 'jwt') {
    await ctx.deps.identity.revokeToken(viewer.credentialId, viewer.tokenExpiresAt ?? new Date());
  } else {
    const token = await ctx.deps.db.personalAccessToken.update({
      where: { id: viewer.credentialId },
      data: { revokedAt: new Date() },
    });
    ctx.deps.identity.personalTokens.forget(token.prefix);
  }
  return { loggedOut: true };
}

/** The signed-in user. @throws UNAUTHORIZED */
export async function profile(ctx: ServiceContext): Promise<User> {
  const viewer = requireUser(ctx.viewer);
  const user = await ctx.deps.db.user.findUnique({ where: { id: viewer.userId } });
  if (!user) throw notFound('User');
  return user;
}

const profileInput = z.strictObject({
  firstName: personName.optional(),
  lastName: personName.optional(),
  email: emailField.optional(),
});

/** @throws BAD_REQUEST for invalid fields; CONFLICT when the new email belongs to another account. */
export async function updateProfile(ctx: ServiceContext, input: unknown): Promise<User> {
  const viewer = requireUser(ctx.viewer);
  const fields = parseInput(profileInput, input);
  return ctx.deps.db.user
    .update({ where: { id: viewer.userId }, data: fields })
    .catch((error) =>
      translatePrismaError(error, { conflict: `An account with email '${fields.email}' already exists` }),
    );
}

const passwordChangeInput = z.object({ currentPassword: z.string().max(256), newPassword: z.string() });

/** @throws BAD_REQUEST when the current password is wrong or the new one is weak. */
export async function changePassword(ctx: ServiceContext, input: unknown): Promise<{ changed: boolean }> {
  const viewer = requireUser(ctx.viewer);
  const fields = parseInput(passwordChangeInput, input);
  assertStrongPassword('newPassword', fields.newPassword);
  await limitAuthAttempts(ctx, viewer.userId);
  const user = await profile(ctx);
  if (!(await verifyPassword(user.passwordHash, fields.currentPassword))) {
    throw badRequest('currentPassword', 'currentPassword: is incorrect');
  }
  await ctx.deps.db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(fields.newPassword) },
  });
  return { changed: true };
}
