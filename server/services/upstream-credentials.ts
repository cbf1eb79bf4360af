import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assertCan } from '../auth/policy.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { ApiCredential, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { decryptSecret, encryptSecret } from '../security/encryption.ts';
import type { UpstreamCredential } from '../tools/types.ts';
import { assertUuid, parseInput } from './validation.ts';

const secretText = z.string().min(1, 'must not be empty').max(8192, 'must be at most 8192 characters');
const credentialName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .describe('the security scheme it satisfies');

const credentialInput = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('api_key'),
      name: credentialName.optional(),
      in: z.enum(['header', 'query', 'cookie'], 'must be header, query or cookie'),
      parameterName: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a header, query or cookie name'),
      value: secretText,
    }),
    z.strictObject({ type: z.literal('bearer'), name: credentialName.optional(), token: secretText }),
    z.strictObject({
      type: z.literal('basic'),
      name: credentialName.optional(),
      username: z.string().min(1).max(500),
      password: secretText,
    }),
    z.strictObject({
      type: z.literal('oauth2_client_credentials'),
      name: credentialName.optional(),
      tokenUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
      clientId: z.string().min(1).max(500),
      clientSecret: secretText,
      scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    }),
  ],
  { error: 'type: must be one of api_key, bearer, basic, oauth2_client_credentials' },
);

type CredentialInput = z.output<typeof credentialInput>;

/** Splits a credential into what may be shown (where it goes) and what must be sealed. */
function splitSecret(input: CredentialInput): {
  configuration: Record<string, unknown>;
  secret: Record<string, string>;
} {
  switch (input.type) {
    case 'api_key':
      return {
        configuration: { in: input.in, parameterName: input.parameterName },
        secret: { value: input.value },
      };
    case 'bearer':
      return { configuration: {}, secret: { token: input.token } };
    case 'basic':
      return { configuration: { username: input.username }, secret: { password: input.password } };
    case 'oauth2_client_credentials':
      return {
        configuration: { tokenUrl: input.tokenUrl, clientId: input.clientId, scopes: input.scopes ?? [] },
        secret: { clientSecret: input.clientSecret },
      };
  }
}

async function findApi(ctx: ServiceContext, action: 'tool:read' | 'tool:write', apiId: string) {
  const scope = assertCan(ctx.viewer, action);
  const api = await ctx.deps.db.api.findFirst({
    where: { id: assertUuid('apiId', apiId), organizationId: scope.organizationId },
    select: { id: true, organizationId: true },
  });
  if (!api) throw notFound('API');
  return api;
}

/**
 * Stores (or replaces, by name) an upstream credential of an API. The secret parts are sealed with
 * AES-256-GCM bound to the credential's id and never returned.
 * @throws BAD_REQUEST naming the field; NOT_FOUND; FORBIDDEN for viewers.
 */
export async function setUpstreamCredential(
  ctx: ServiceContext,
  apiId: string,
  input: unknown,
): Promise<ApiCredential> {
  const api = await findApi(ctx, 'tool:write', apiId);
  const fields = parseInput(credentialInput, input);
  const name = fields.name ?? fields.type;
  const { configuration, secret } = splitSecret(fields);
  const existing = await ctx.deps.db.apiCredential.findUnique({
    where: { apiId_name: { apiId: api.id, name } },
    select: { id: true },
  });
  const id = existing?.id ?? randomUUID();
  const ciphertext = encryptSecret(ctx.deps.encryptionKey, JSON.stringify(secret), `api-credential:${id}`);
  const data = { type: fields.type, configuration: configuration as Prisma.InputJsonObject, ciphertext };
  const credential = await ctx.deps.db.apiCredential.upsert({
    where: { apiId_name: { apiId: api.id, name } },
    create: { id, apiId: api.id, name, ...data },
    update: data,
  });
  ctx.deps.bus.publish('apiCredentialsChanged', { apiId: api.id });
  return credential;
}

/** An API's credentials, without their secrets. */
export async function listUpstreamCredentials(ctx: ServiceContext, apiId: string): Promise<ApiCredential[]> {
  const api = await findApi(ctx, 'tool:read', apiId);
  return ctx.deps.db.apiCredential.findMany({ where: { apiId: api.id }, orderBy: { name: 'asc' } });
}

/** @throws NOT_FOUND for an unknown credential or API; FORBIDDEN for viewers. */
export async function deleteUpstreamCredential(
  ctx: ServiceContext,
  apiId: string,
  credentialId: string,
): Promise<{ id: string; deleted: boolean }> {
  const api = await findApi(ctx, 'tool:write', apiId);
  const { count } = await ctx.deps.db.apiCredential.deleteMany({
    where: { id: assertUuid('credentialId', credentialId), apiId: api.id },
  });
  if (count === 0) throw notFound('Credential');
  ctx.deps.bus.publish('apiCredentialsChanged', { apiId: api.id });
  return { id: credentialId, deleted: true };
}

/**
 * The decrypted credentials to inject into a call of a tool imported from `apiId`: those named after one
 * of the operation's security schemes, and those that name no scheme of the document (they apply to every
 * operation of the API).
 */
export async function credentialsForTool(
  db: PrismaClient,
  encryptionKey: Buffer,
  tool: { sourceApiId: string | null; securitySchemes: string[] },
  documentSchemes: ReadonlySet<string>,
): Promise<UpstreamCredential[]> {
  if (!tool.sourceApiId) return [];
  const rows = await db.apiCredential.findMany({ where: { apiId: tool.sourceApiId } });
  return rows
    .filter((row) => tool.securitySchemes.includes(row.name) || !documentSchemes.has(row.name))
    .map((row) => unseal(row, encryptionKey));
}

function unseal(row: ApiCredential, encryptionKey: Buffer): UpstreamCredential {
  const secret = JSON.parse(
    decryptSecret(encryptionKey, row.ciphertext, `api-credential:${row.id}`),
  ) as Record<string, string>;
  const configuration = row.configuration as Record<string, unknown>;
  switch (row.type) {
    case 'api_key':
      return {
        type: 'api_key',
        in: configuration.in as 'header',
        name: String(configuration.parameterName),
        value: secret.value!,
      };
    case 'bearer':
      return { type: 'bearer', token: secret.token! };
    case 'basic':
      return { type: 'basic', username: String(configuration.username), password: secret.password! };
    default:
      return {
        type: 'oauth2_client_credentials',
        tokenUrl: String(configuration.tokenUrl),
        clientId: String(configuration.clientId),
        clientSecret: secret.clientSecret!,
        scopes: (configuration.scopes as string[] | undefined) ?? [],
      };
  }
}
