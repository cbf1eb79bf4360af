import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { AuthMethodType } from '../generated/prisma/enums.ts';

const headerName = z
  .string()
  .regex(
    /^[A-Za-z0-9-]{1,64}$/,
    'must be an HTTP header name: letters, digits and hyphens, at most 64 characters',
  );

const jwtConfiguration = z
  .strictObject({
    secret: z.string().min(32, 'must be at least 32 characters (HS256 key)').max(512).optional(),
    jwksUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JSON Web Key Set' })
      .optional(),
    issuer: z.string().min(1).max(500).optional(),
    audience: z.string().min(1).max(500).optional(),
  })
  .refine((value) => Boolean(value.secret) !== Boolean(value.jwksUrl), {
    message: 'give exactly one of secret (HS256) or jwksUrl (RS256/ES256)',
  });

/** What each auth method type accepts in `configuration`; unknown keys are refused. */
export const authConfigurationSchemas: Record<AuthMethodType, z.ZodType<Record<string, unknown>>> = {
  none: z.strictObject({}),
  api_key: z.strictObject({ keyHeader: headerName.optional() }),
  bearer_token: z.strictObject({}),
  basic_auth: z.strictObject({ realm: z.string().min(1).max(100).optional() }),
  jwt: jwtConfiguration,
  oauth2: z.strictObject({
    scopes: z.array(z.string().min(1).max(100)).max(50).optional(),
    accessTokenTtlSeconds: z.number().int().min(60).max(86_400).optional(),
  }),
};

const cidr = z.string().refine(
  (value) => {
    try {
      if (value.includes('/')) ipaddr.parseCIDR(value);
      else ipaddr.parse(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IP address or CIDR range such as 203.0.113.0/24 or 2001:db8::/32' },
);

export const validationRulesSchema = z.strictObject({
  allowedIpRanges: z.array(cidr).max(100, 'must list at most 100 ranges').optional(),
  requiredHeaders: z.array(headerName).max(20, 'must list at most 20 headers').optional(),
});

/** Configuration keys that hold secrets: stored encrypted, never returned. */
export const SECRET_CONFIGURATION_KEYS = ['secret'] as const;
