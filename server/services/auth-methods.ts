import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { AuthMethod, Prisma } from '../generated/prisma/client.ts';
import { encryptSecret } from '../security/encryption.ts';
import { authConfigurationSchemas, validationRulesSchema } from './auth-method-configuration.ts';
import { findGatewayInScope, publishGatewayChange } from './gateways.ts';
import { assertUuid, parseInput } from './validation.ts';

const addInput = z.object({
  type: z.enum(
    ['none', 'api_key', 'bearer_token', 'basic_auth', 'jwt', 'oauth2'],
    'must be one of none, api_key, bearer_token, basic_auth, jwt, oauth2',
  ),
  isRequired: z.boolean().optional(),
  configuration: z.unknown().optional(),
  validationRules: z.unknown().optional(),
});

/** The organization-scoped where-fragment every auth-method read uses. */
export const authMethodScope = (organizationId: string): Prisma.AuthMethodWhereInput => ({
  gateway: { organizationId },
});

/**
 * Adds an auth method to a gateway; it is tried after the existing ones. A JWT secret is encrypted at
 * rest and never returned.
 * @throws BAD_REQUEST naming the configuration field; NOT_FOUND; FORBIDDEN below admin.
 */
export async function addAuthMethod(
  ctx: ServiceContext,
  gatewayId: string,
  input: unknown,
): Promise<AuthMethod> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:manage', gatewayId, 'gatewayId');
  const fields = parseInput(addInput, input);
  const { secret, ...configuration } = parseInput(
    authConfigurationSchemas[fields.type],
    fields.configuration ?? {},
    'configuration',
  );
  const validationRules = parseInput(validationRulesSchema, fields.validationRules ?? {}, 'validationRules');
  const id = randomUUID();
  const method = await ctx.deps.db.$transaction(async (tx) => {
    const last = await tx.authMethod.aggregate({
      where: { gatewayId: gateway.id },
      _max: { position: true },
    });
    return tx.authMethod.create({
      data: {
        id,
        gatewayId: gateway.id,
        type: fields.type,
        isRequired: fields.isRequired ?? true,
        configuration: configuration as Prisma.InputJsonObject,
        secretCiphertext:
          typeof secret === 'string'
            ? encryptSecret(ctx.deps.encryptionKey, secret, `auth-method:${id}`)
            : null,
        validationRules: validationRules as Prisma.InputJsonObject,
        position: (last._max.position ?? -1) + 1,
      },
    });
  });
  publishGatewayChange(ctx, 'AUTH_CHANGED', gateway);
  return method;
}

/** A gateway's auth methods in the order they are tried. */
export async function listAuthMethods(ctx: ServiceContext, gatewayId: string): Promise<AuthMethod[]> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:read', gatewayId, 'gatewayId');
  return ctx.deps.db.authMethod.findMany({ where: { gatewayId: gateway.id }, orderBy: { position: 'asc' } });
}

/** @throws NOT_FOUND for an unknown method or one of another gateway; FORBIDDEN below admin. */
export async function removeAuthMethod(
  ctx: ServiceContext,
  gatewayId: string,
  authId: string,
): Promise<{ id: string; deleted: boolean }> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:manage', gatewayId, 'gatewayId');
  const { count } = await ctx.deps.db.authMethod.deleteMany({
    where: { id: assertUuid('authId', authId), gatewayId: gateway.id },
  });
  if (count === 0) throw notFound('Auth method');
  publishGatewayChange(ctx, 'AUTH_CHANGED', gateway);
  return { id: authId, deleted: true };
}
