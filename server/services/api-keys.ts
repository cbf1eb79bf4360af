import { z } from 'zod';
import { GATEWAY_KEY_LABEL, issueSecret } from '../auth/secret-keys.ts';
import { createSecretVerifier, type SecretVerifier, type StoredSecret } from '../auth/secret-verifier.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { ApiKey, PrismaClient } from '../generated/prisma/client.ts';
import { GATEWAY_SCOPES } from './gateway-tools.ts';
import { findGatewayInScope, publishGatewayChange } from './gateways.ts';
import { assertUuid, nameField, parseInput } from './validation.ts';

export interface GatewayKeyRecord extends StoredSecret {
  gatewayId: string;
  organizationId: string;
  scopes: string[];
}

/**
 * `verifyGatewayKey`: finds a gateway key by prefix and checks its keyed digest in constant time; no
 * password hash, and no database read while the row is cached.
 */
export function createGatewayKeyVerifier(
  db: PrismaClient,
  digestKey: Buffer,
): SecretVerifier<GatewayKeyRecord> {
  return createSecretVerifier<GatewayKeyRecord>({
    label: GATEWAY_KEY_LABEL,
    digestKey,
    lookup: async (prefix) => {
      const row = await db.apiKey.findUnique({
        where: { prefix },
        select: {
          id: true,
          digest: true,
          expiresAt: true,
          revokedAt: true,
          scopes: true,
          gatewayId: true,
          gateway: { select: { organizationId: true } },
        },
      });
      return row && { ...row, organizationId: row.gateway.organizationId };
    },
  });
}

const createInput = z.object({
  name: nameField,
  scopes: z
    .array(z.enum(GATEWAY_SCOPES, `must be one of ${GATEWAY_SCOPES.join(', ')}`))
    .min(1, 'must list at least one scope')
    .optional(),
  expiresAt: z.coerce
    .date('must be an ISO-8601 timestamp')
    .refine((date) => date.getTime() > Date.now(), 'must be in the future')
    .nullish(),
});

export interface CreatedApiKey extends ApiKey {
  key: string;
}

/**
 * Generates a gateway key. The returned `key` is the only time the secret exists outside the caller:
 * only its keyed digest is stored.
 * @throws BAD_REQUEST naming the field; NOT_FOUND; FORBIDDEN below admin.
 */
export async function createApiKey(
  ctx: ServiceContext,
  gatewayId: string,
  input: unknown,
): Promise<CreatedApiKey> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:manage', gatewayId, 'gatewayId');
  const fields = parseInput(createInput, input);
  const secret = issueSecret(GATEWAY_KEY_LABEL, ctx.deps.digestKey);
  const row = await ctx.deps.db.apiKey.create({
    data: {
      gatewayId: gateway.id,
      name: fields.name,
      prefix: secret.prefix,
      digest: secret.digest,
      scopes: fields.scopes ? [...new Set(fields.scopes)] : ['tools:read', 'tools:execute'],
      expiresAt: fields.expiresAt ?? null,
    },
  });
  publishGatewayChange(ctx, 'AUTH_CHANGED', gateway);
  return { ...row, key: secret.key };
}

/** A gateway's keys, newest first, without secrets. */
export async function listApiKeys(ctx: ServiceContext, gatewayId: string): Promise<ApiKey[]> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:read', gatewayId, 'gatewayId');
  return ctx.deps.db.apiKey.findMany({
    where: { gatewayId: gateway.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
}

/** Revokes a key at once on every instance; the row stays for the audit trail. @throws NOT_FOUND, FORBIDDEN */
export async function revokeApiKey(ctx: ServiceContext, gatewayId: string, keyId: string): Promise<ApiKey> {
  const { gateway } = await findGatewayInScope(ctx, 'auth:manage', gatewayId, 'gatewayId');
  const existing = await ctx.deps.db.apiKey.findFirst({
    where: { id: assertUuid('keyId', keyId), gatewayId: gateway.id },
  });
  if (!existing) throw notFound('API key');
  const row = existing.revokedAt
    ? existing
    : await ctx.deps.db.apiKey.update({ where: { id: existing.id }, data: { revokedAt: new Date() } });
  ctx.deps.gatewayKeys.forget(row.prefix);
  ctx.deps.bus.publish('apiKeyChanged', { prefix: row.prefix });
  publishGatewayChange(ctx, 'AUTH_CHANGED', gateway);
  return row;
}
