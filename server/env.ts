import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where clients reach this server; gateway URLs are built from it. Defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** A PostgreSQL server (postgres://…). Without it the embedded PGlite database in DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** The embedded database and generated development secrets live here. */
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: z.string().optional(),
  /** HS256 key for management tokens, at least 32 characters. Required in production. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().default('toolgate'),
  JWT_AUDIENCE: z.string().default('toolgate-api'),
  /** 32 bytes as 64 hex characters or base64; encrypts secrets at rest and keys the API-key digests. */
  ENCRYPTION_KEY: z.string().optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Requests per minute for each management caller (user or address). */
  MANAGEMENT_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  /** Gateway (protocol) requests per minute per client address; per-tool limits apply on top. */
  GATEWAY_RATE_LIMIT: z.coerce.number().int().min(1).default(6000),
  /** Sign-in and registration attempts per client address per 15 minutes. */
  AUTH_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Sign-in attempts per account per 15 minutes. */
  AUTH_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  /**
   * Upstream hosts tool calls and document fetches may reach although they are not public: comma-separated
   * CIDRs (`10.0.0.0/8`, `::1/128`) or exact host names. Empty: only public addresses.
   */
  ALLOWED_UPSTREAM_HOSTS: z.string().default(''),
  /** Largest upstream response a tool call reads, in bytes. */
  MAX_UPSTREAM_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  /** How long a shutdown waits for requests in flight before closing their connections, in ms. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Read the client address from X-Forwarded-For (only behind a proxy you control). */
  TRUST_PROXY: booleanFlag,
  /** Allowed browser origins for the management API, comma separated; empty allows none cross-origin. */
  CORS_ORIGINS: z.string().default(''),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at start.
 * @throws Error listing every invalid variable, so the operator can fix them all in one go.
 */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (common in container definitions) means "not set".
  const given = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(given);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${problems.join('\n')}`);
  }
  const env = result.data;
  if (env.NODE_ENV === 'production') {
    const missing = (['JWT_SECRET', 'ENCRYPTION_KEY'] as const).filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new Error(`Invalid environment:\n  ${missing.join(', ')}: required when NODE_ENV=production`);
    }
  }
  return env;
}
