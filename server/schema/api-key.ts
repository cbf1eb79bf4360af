import { builder } from '../builder.ts';
import type { ApiKey } from '../generated/prisma/client.ts';
import { type CreatedApiKey, createApiKey, listApiKeys, revokeApiKey } from '../services/api-keys.ts';

function keyStatus(key: ApiKey): 'active' | 'revoked' | 'expired' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return 'expired';
  return 'active';
}

const ApiKeyRef = builder.objectRef<ApiKey>('ApiKey').implement({
  description: 'A gateway key as listed: never the secret, only its prefix.',
  fields: (t) => ({
    id: t.exposeID('id'),
    gatewayId: t.exposeID('gatewayId'),
    name: t.exposeString('name'),
    keyPrefix: t.exposeString('prefix'),
    scopes: t.exposeStringList('scopes'),
    status: t.string({ description: 'active, revoked or expired.', resolve: keyStatus }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<CreatedApiKey>('CreatedApiKey').implement({
  description: 'A new key. `key` is shown this once and cannot be retrieved again.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    key: t.exposeString('key'),
    keyPrefix: t.exposeString('prefix'),
    scopes: t.exposeStringList('scopes'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.stringList({
      description:
        'Any of tools:read, tools:execute, gateway:read; tools:read and tools:execute when omitted.',
    }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    args: { gatewayId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => listApiKeys(ctx, String(args.gatewayId)),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    args: {
      gatewayId: t.arg.id({ required: true }),
      input: t.arg({ type: CreateApiKeyInput, required: true }),
    },
    resolve: (_root, args, ctx) => createApiKey(ctx, String(args.gatewayId), args.input),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: 'Revokes the key at once; it stays listed as revoked.',
    args: { gatewayId: t.arg.id({ required: true }), keyId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => revokeApiKey(ctx, String(args.gatewayId), String(args.keyId)),
  }),
}));
