import type { IdentityResolver } from './auth/identity.ts';
import type { TokenSettings } from './auth/management-tokens.ts';
import type { Viewer } from './auth/policy.ts';
import type { SecretVerifier } from './auth/secret-verifier.ts';
import type { UsageRecorder } from './auth/usage-recorder.ts';
import type { Env } from './env.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { RateLimiter } from './limits/rate-limiter.ts';
import type { EventBus } from './pubsub.ts';
import type { GatewayKeyRecord } from './services/api-keys.ts';
import type { ExecutionRecorder } from './services/execution-recorder.ts';
import type { ToolRuntime } from './services/tool-runtime.ts';
import type { ToolExecutor } from './tools/executor/index.ts';

/** Long-lived things every request may use; built once by createApp. */
export interface AppDeps {
  env: Env;
  db: PrismaClient;
  bus: EventBus;
  identity: IdentityResolver;
  limiter: RateLimiter;
  tokens: TokenSettings;
  /** Keys the HMAC digests of gateway keys and personal tokens. */
  digestKey: Buffer;
  /** Encrypts secrets at rest (auth-method secrets, upstream credentials). */
  encryptionKey: Buffer;
  gatewayKeys: SecretVerifier<GatewayKeyRecord>;
  gatewayKeyUsage: UsageRecorder;
  /** Operator allowlist for non-public upstreams (ALLOWED_UPSTREAM_HOSTS). */
  allowedUpstreams: string[];
  executor: ToolExecutor;
  toolRuntime: ToolRuntime;
  executions: ExecutionRecorder;
  /** Base URL clients use to reach this server, without a trailing slash. */
  publicUrl: string;
}

/** What services receive first: who is calling, and the means to act. */
export interface ServiceContext {
  viewer: Viewer;
  deps: AppDeps;
  requestId: string;
  clientIp: string;
}

/** Per-request facts the HTTP layer knows before GraphQL runs. */
export interface RequestFacts {
  requestId: string;
  clientIp: string;
}

export async function createServiceContext(
  deps: AppDeps,
  headers: Headers,
  facts: RequestFacts,
): Promise<ServiceContext> {
  return { viewer: await deps.identity.resolve(headers), deps, ...facts };
}
