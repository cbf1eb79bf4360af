import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createServerAdapter } from '@whatwg-node/server';
import type { ExecutionArgs } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';
import { createIdentityResolver } from './auth/identity.ts';
import { createUsageRecorder } from './auth/usage-recorder.ts';
import type { AppDeps, RequestFacts, ServiceContext } from './context.ts';
import { createServiceContext } from './context.ts';
import { type Database, openDatabase } from './db/database.ts';
import type { Env } from './env.ts';
import { limitBody } from './http/request-limits.ts';
import { errorResponse, jsonResponse } from './http/responses.ts';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './limits/rate-limiter.ts';
import { useErrorCodes } from './plugins/use-error-codes.ts';
import { maskedErrors } from './plugins/use-masked-errors.ts';
import { createProtocolAdapters } from './protocols/adapters.ts';
import { createGatewayAuthenticator } from './protocols/gateway-auth.ts';
import { createGatewayRegistry } from './protocols/gateway-registry.ts';
import { createProtocolHost, isGatewayPath } from './protocols/host.ts';
import { createEventBus, listen } from './pubsub.ts';
import { createRestHandler } from './rest/adapter.ts';
import { routeTable } from './rest/route-table.ts';
import { schema } from './schema/index.ts';
import { deriveKey } from './security/keyed-digest.ts';
import { loadServerSecrets } from './security/server-secrets.ts';
import { createGatewayKeyVerifier } from './services/api-keys.ts';
import { createExecutionRecorder } from './services/execution-recorder.ts';
import { createToolRuntime } from './services/tool-runtime.ts';
import { createToolExecutor, parseAllowedUpstreams } from './tools/executor/index.ts';

export interface App {
  /** Serves one request in-process (tests use it without a port). */
  fetch(request: Request, facts?: Partial<RequestFacts>): Promise<Response>;
  /** Listens on `port` (0 picks a free one) and returns the base URL. */
  start(port?: number, host?: string): Promise<string>;
  /** Stops accepting, lets pending work finish, flushes buffered writes and closes connections. */
  stop(): Promise<void>;
  deps: AppDeps;
}

const RATE_WINDOW_MS = 60_000;
const IMPORT_PATH = /^\/apis\/[^/]+\/import-schema$/;
const IMPORT_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Builds the whole server from its environment: database (migrated), secrets, event bus, GraphQL (HTTP,
 * SSE and WebSocket), the REST routes and the health check.
 */
export async function createApp(env: Env, options: { database?: Database } = {}): Promise<App> {
  const secrets = await loadServerSecrets({
    jwtSecret: env.JWT_SECRET,
    encryptionKey: env.ENCRYPTION_KEY,
    dataDir: env.DATA_DIR,
  });
  const database =
    options.database ?? (await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR }));
  const db = database.prisma;
  const bus = createEventBus({ redisUrl: env.REDIS_URL });
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3 }) : null;
  const limiter: RateLimiter = redis ? createRedisRateLimiter(redis) : createMemoryRateLimiter();
  const digestKey = deriveKey(secrets.encryptionKey, 'secret-digest');
  const tokens = {
    secret: new TextEncoder().encode(secrets.jwtSecret),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  };
  const personalTokenUsage = createUsageRecorder(async (lastUse) => {
    for (const [id, at] of lastUse)
      await db.personalAccessToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  });
  const gatewayKeyUsage = createUsageRecorder(async (lastUse) => {
    for (const [id, at] of lastUse) await db.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  });
  const identity = await createIdentityResolver({ db, bus, tokens, digestKey, personalTokenUsage });
  const gatewayKeys = createGatewayKeyVerifier(db, digestKey);
  const encryptionKey = deriveKey(secrets.encryptionKey, 'secrets-at-rest');
  const allowedUpstreams = parseAllowedUpstreams(env.ALLOWED_UPSTREAM_HOSTS);
  const executor = createToolExecutor({
    allowedUpstreams,
    maxResponseBytes: env.MAX_UPSTREAM_RESPONSE_BYTES,
  });
  const executions = createExecutionRecorder(db);
  const toolRuntime = createToolRuntime(db, bus, encryptionKey);
  const deps: AppDeps = {
    env,
    db,
    bus,
    identity,
    limiter,
    tokens,
    digestKey,
    encryptionKey,
    gatewayKeys,
    allowedUpstreams,
    executor,
    toolRuntime,
    executions,
    gatewayKeyUsage,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
  };
  const stopKeyListener = listenForKeyChanges(deps);

  const yoga = createYoga<RequestFacts & { headers?: Headers }, ServiceContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: env.NODE_ENV !== 'production',
    maskedErrors,
    logging: env.NODE_ENV === 'test' ? false : 'info',
    context: ({ request, headers, requestId, clientIp }) =>
      createServiceContext(deps, headers ?? request.headers, { requestId, clientIp }),
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: 12, exposeLimits: true },
        maxAliases: { n: 20, exposeLimits: true },
        maxTokens: { n: 2_000, exposeLimits: true },
        maxDirectives: { n: 20, exposeLimits: true },
        costLimit: { maxCost: 5_000, exposeLimits: true },
        blockFieldSuggestion: { enabled: env.NODE_ENV === 'production' },
      }),
      useErrorCodes(),
    ],
  });
  const rest = createRestHandler(yoga, routeTable);
  const registry = createGatewayRegistry({ db, bus, encryptionKey, publicUrl: deps.publicUrl });
  const protocolHost = createProtocolHost(
    deps,
    registry,
    createGatewayAuthenticator(deps),
    createProtocolAdapters(deps),
  );

  async function handle(incoming: Request, given: Partial<RequestFacts> = {}): Promise<Response> {
    const facts: RequestFacts = {
      requestId: given.requestId ?? randomUUID(),
      clientIp: given.clientIp ?? '127.0.0.1',
    };
    try {
      const url = new URL(incoming.url);
      if (url.pathname === '/health') return health(database);
      // Agents calling gateways and people managing them get separate budgets per address.
      const gatewayTraffic = isGatewayPath(url.pathname);
      const decision = await limiter.hit(
        `${gatewayTraffic ? 'gw' : 'mgmt'}:${facts.clientIp}`,
        gatewayTraffic ? env.GATEWAY_RATE_LIMIT : env.MANAGEMENT_RATE_LIMIT,
        RATE_WINDOW_MS,
      );
      const rateHeaders = {
        'x-ratelimit-limit': String(decision.limit),
        'x-ratelimit-remaining': String(decision.remaining),
        'x-ratelimit-reset': String(decision.resetAt),
        'x-request-id': facts.requestId,
      };
      if (!decision.allowed) {
        return errorResponse(
          'RATE_LIMITED',
          `Too many requests: try again in ${decision.retryAfterSeconds} seconds`,
          429,
          {
            ...rateHeaders,
            'retry-after': String(decision.retryAfterSeconds),
          },
        );
      }
      // Pasted API descriptions may be up to 10 MiB (more once JSON-escaped); everything else is small.
      const maxBytes = IMPORT_PATH.test(url.pathname)
        ? Math.max(env.MAX_BODY_BYTES, IMPORT_BODY_BYTES)
        : env.MAX_BODY_BYTES;
      const request = await limitBody(incoming, maxBytes);
      if (request instanceof Response) return withHeaders(request, rateHeaders);
      const response =
        url.pathname === '/graphql'
          ? await yoga.fetch(request, facts)
          : ((await rest(request, facts)) ??
            (await protocolHost(request, facts)) ??
            errorResponse('NOT_FOUND', `Nothing at ${url.pathname}`));
      // While stopping, keep-alive clients are told to go, so the shutdown is not held open by them.
      return withHeaders(response, stopping ? { ...rateHeaders, connection: 'close' } : rateHeaders);
    } catch (error) {
      console.error(`Request ${facts.requestId} failed:`, error);
      return errorResponse('INTERNAL_ERROR', 'Unexpected error');
    }
  }

  let server: Server | undefined;
  let stopping = false;
  let sockets: WebSocketServer | undefined;

  return {
    deps,
    fetch: handle,
    async start(port = env.PORT, host = env.HOST) {
      const adapter = createServerAdapter<{ req: IncomingMessage }>((request, context) =>
        handle(request, { clientIp: clientIpOf(context.req, env.TRUST_PROXY) }),
      );
      server = createServer(adapter);
      sockets = new WebSocketServer({ server, path: '/graphql' });
      attachGraphqlWs(sockets, yoga, env.TRUST_PROXY);
      await new Promise<void>((resolve) => server!.listen(port, host, resolve));
      const address = server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`;
    },
    async stop() {
      stopping = true;
      for (const client of sockets?.clients ?? []) client.terminate();
      await new Promise<void>((resolve) => (sockets ? sockets.close(() => resolve()) : resolve()));
      if (server) {
        // Stop accepting, let requests in flight finish within the grace period, then cut what is left
        // (streams that never end on their own, such as SSE subscriptions).
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([
          closed,
          new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_GRACE_MS).unref()),
        ]);
        server.closeAllConnections();
        await closed;
      }
      // In-flight calls finish first, so their execution records are queued before the last flush.
      await executor.close();
      await Promise.all([gatewayKeyUsage.stop(), personalTokenUsage.stop(), executions.stop()]);
      await toolRuntime.close();
      await registry.close();
      await stopKeyListener();
      await identity.close();
      await limiter.close();
      await bus.close();
      redis?.disconnect();
      if (!options.database) await database.close();
    },
  };
}

function listenForKeyChanges(deps: AppDeps): () => Promise<void> {
  return listen(deps.bus.subscribe('apiKeyChanged'), ({ prefix }) => deps.gatewayKeys.forget(prefix));
}

async function health(database: Database): Promise<Response> {
  try {
    await database.prisma.$queryRaw`SELECT 1`;
    return jsonResponse(200, { status: 'ok', database: database.kind });
  } catch {
    return jsonResponse(503, { status: 'unavailable', database: database.kind });
  }
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  // A limit the response already reports (a tool's own 429 on a gateway) is the one the caller must obey.
  for (const [name, value] of Object.entries(headers))
    if (!response.headers.has(name)) response.headers.set(name, value);
  return response;
}

export function clientIpOf(req: IncomingMessage | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req?.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return (req?.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/**
 * graphql-ws on the same port as Yoga: each operation runs through Yoga's envelop pipeline so it gets the
 * same context, auth and limits as HTTP. Credentials come from connectionParams
 * (`{ Authorization: 'Bearer …', 'X-Organization-Id': '…' }`).
 */
type EnvelopedRoot = {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
};

function attachGraphqlWs(
  sockets: WebSocketServer,
  yoga: ReturnType<typeof createYoga<RequestFacts & { headers?: Headers }, ServiceContext>>,
  trustProxy: boolean,
): void {
  useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(ctx.connectionParams ?? {})) {
          if (typeof value === 'string' && /^[A-Za-z0-9-]+$/.test(name)) headers.set(name, value);
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          headers,
          requestId: randomUUID(),
          clientIp: clientIpOf(ctx.extra.request, trustProxy),
          params,
        } as never);
        const document = parse(params.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    sockets,
  );
}
