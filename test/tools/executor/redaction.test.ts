import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import { createRedactor, credentialSecrets } from '../../../server/tools/executor/redaction.ts';
import type { ExecutableTool, ExecutionOutcome, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { HttpExecutionConfig, UpstreamCredential } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

const CANARY = {
  headerKey: 'CANARY-header-key-5c1e',
  queryKey: 'CANARY query&key=9d',
  cookieKey: 'CANARY-cookie-2b7f',
  bearer: 'CANARY-bearer-token-81aa',
  password: 'CANARY-pass:w0rd',
  clientSecret: 'CANARY client+secret/77',
};

let upstream: UpstreamServer;
let executor: ToolExecutor;

function credentials(): UpstreamCredential[] {
  return [
    { type: 'api_key', in: 'header', name: 'X-Api-Key', value: CANARY.headerKey },
    { type: 'api_key', in: 'query', name: 'key', value: CANARY.queryKey },
    { type: 'api_key', in: 'cookie', name: 'sid', value: CANARY.cookieKey },
    { type: 'basic', username: 'user', password: CANARY.password },
    { type: 'bearer', token: CANARY.bearer },
  ];
}

function oauth(): UpstreamCredential {
  return {
    type: 'oauth2_client_credentials',
    tokenUrl: upstream.url('/oauth/token'),
    clientId: 'canary-client',
    clientSecret: CANARY.clientSecret,
  };
}

function tool(config: Partial<HttpExecutionConfig>): ExecutableTool {
  return {
    id: `canary-${JSON.stringify(config)}`,
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method: 'GET', url: upstream.url('/status?code=500'), ...config },
  };
}

/** Every spelling of the canaries that could leak: raw, percent- and form-encoded, and Basic base64. */
function forbidden(extra: string[] = []): string[] {
  const values = [...Object.values(CANARY), ...extra];
  return [
    ...values,
    ...values.map(encodeURIComponent),
    ...values.map((value) => new URLSearchParams({ v: value }).toString().slice(2)),
    Buffer.from(`user:${CANARY.password}`).toString('base64'),
    'CANARY',
  ];
}

function expectClean(outcome: ExecutionOutcome, extra: string[] = []): void {
  expect(outcome.ok).toBe(false);
  const text = JSON.stringify(outcome);
  for (const value of forbidden(extra)) expect(text).not.toContain(value);
}

/** Tokens the upstream saw in Authorization headers (OAuth2 access tokens included). */
function seenBearerTokens(): string[] {
  return upstream.requests
    .map((request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1])
    .filter((token): token is string => token !== undefined);
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  executor = createToolExecutor({
    allowedUpstreams: ['127.0.0.1/32'],
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    // Several tests fail on purpose against one origin; an open circuit would hide what they check.
    circuitBreaker: { failureThreshold: 0 },
  });
});

afterAll(async () => {
  await executor.close();
  await upstream.close();
});

beforeEach(() => {
  upstream.reset();
  upstream.oauthClients.set('canary-client', CANARY.clientSecret);
});

describe('credential canaries never leave the executor', () => {
  it('scrubs an upstream error body that echoes every header and the URL', async () => {
    const outcome = await executor.execute({ tool: tool({}), arguments: {}, credentials: credentials() });
    expect(outcome).toMatchObject({ errorCode: 'UPSTREAM_ERROR', upstreamStatus: 500 });
    // The echo really contained the secrets; the outcome must not.
    expect(upstream.requests[0]?.headers['x-api-key']).toBe(CANARY.headerKey);
    expect((outcome as { details: { body: string } }).details.body).toContain('[redacted]');
    expectClean(outcome);
  });

  it('scrubs OAuth2 access tokens echoed by the upstream', async () => {
    const outcome = await executor.execute({
      tool: tool({ url: upstream.url('/status?code=401') }),
      arguments: {},
      credentials: [oauth()],
    });
    const tokens = seenBearerTokens();
    expect(tokens).toHaveLength(1);
    expectClean(outcome, tokens);
  });

  it('scrubs a token endpoint error that echoes the client authentication', async () => {
    upstream.route('/oauth/token', (request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: 'invalid_request', authorization: request.headers.authorization }),
      );
    });
    const outcome = await executor.execute({
      tool: tool({ url: upstream.url('/json') }),
      arguments: {},
      credentials: [oauth()],
    });
    expect(outcome).toMatchObject({ errorCode: 'UPSTREAM_ERROR', upstreamStatus: 400 });
    const basic =
      /^Basic (.+)$/.exec(upstream.requestsTo('/oauth/token')[0]?.headers.authorization ?? '')?.[1] ?? '';
    expect(basic).not.toBe('');
    expectClean(outcome, [basic]);
  });

  it('scrubs GraphQL error messages that quote the token', async () => {
    upstream.route('/graphql', (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ errors: [{ message: `token ${request.headers.authorization} is not allowed` }] }),
      );
    });
    const graphql: ExecutableTool = {
      id: 'canary-graphql',
      version: '1',
      type: 'graphql',
      parameters: { type: 'object' },
      executionConfig: { endpoint: upstream.url('/graphql'), query: '{ me { id } }' },
    };
    const outcome = await executor.execute({ tool: graphql, arguments: {}, credentials: credentials() });
    expect(outcome).toMatchObject({
      errorCode: 'GRAPHQL_ERRORS',
      message: 'GraphQL endpoint reported 1 error: token Bearer [redacted] is not allowed',
    });
    expectClean(outcome);
  });

  it.each([
    ['a timeout', { path: '/hang', timeout: 50 }],
    ['a connection reset', { path: '/reset' }],
    ['exhausted retries', { path: '/status?code=503', retries: 2 }],
    [
      'a redirect into a blocked destination',
      { path: `/redirect?to=${encodeURIComponent('http://10.0.0.1/')}` },
    ],
    [
      'a POST turned into a GET by a redirect chain',
      { path: '/redirect?to=/status%3Fcode%3D404', method: 'POST' as const },
    ],
  ])('leaks nothing on %s', async (_label, { path, ...config }) => {
    const outcome = await executor.execute({
      tool: tool({ ...config, url: upstream.url(path) }),
      arguments: {},
      credentials: credentials(),
    });
    expect(upstream.requests.length).toBeGreaterThan(0);
    expectClean(outcome);
  });

  it('leaks nothing when a credential is unusable or the circuit is open', async () => {
    const broken = await executor.execute({
      tool: tool({}),
      arguments: {},
      credentials: [{ type: 'api_key', in: 'header', name: 'X-Key', value: `${CANARY.headerKey}\r\n` }],
    });
    expect(broken).toMatchObject({ errorCode: 'INVALID_CONFIGURATION' });
    expectClean(broken);
    const breaking = createToolExecutor({
      allowedUpstreams: ['127.0.0.1/32'],
      circuitBreaker: { failureThreshold: 2 },
    });
    try {
      const down = tool({ url: upstream.url('/status?code=500'), method: 'POST' });
      for (let index = 0; index < 2; index += 1)
        await breaking.execute({ tool: down, arguments: {}, credentials: credentials() });
      const open = await breaking.execute({ tool: down, arguments: {}, credentials: credentials() });
      expect(open).toMatchObject({ errorCode: 'CIRCUIT_OPEN' });
      expectClean(open);
    } finally {
      await breaking.close();
    }
  });
});

describe('redactor', () => {
  it('replaces secrets in text and nested values, including encoded forms', () => {
    const redactor = createRedactor(
      credentialSecrets([{ type: 'basic', username: 'u', password: 'p a/ss' }]),
    );
    expect(redactor.text('x p a/ss y p%20a%2Fss z p+a%2Fss')).toBe('x [redacted] y [redacted] z [redacted]');
    expect(
      redactor.value({ list: [`Basic ${Buffer.from('u:p a/ss').toString('base64')}`], 'p a/ss': 1 }),
    ).toEqual({
      list: ['Basic [redacted]'],
      '[redacted]': 1,
    });
  });

  it('cuts excerpts without leaking a secret that straddles the cut', () => {
    const redactor = createRedactor(['SECRETSECRET']);
    const excerpt = redactor.excerpt(`${'a'.repeat(10)}SECRETSECRET${'b'.repeat(100)}`, 14);
    expect(excerpt).toEqual({ text: `${'a'.repeat(10)}[redacted]`, truncated: true });
  });

  it('does not let a partial secret beyond the cut shift into the excerpt', () => {
    const secret = 'SECRET-0123456789-abcdefghij-XYZ';
    const redactor = createRedactor([secret]);
    // Whole secrets shrink when replaced; the dangling prefix after the cut must not move forward into
    // the excerpt (scrubbing first and cutting afterwards would include it).
    const body = `${secret.repeat(3)}${secret.slice(0, 20)}`;
    const excerpt = redactor.excerpt(body, secret.length * 3);
    expect(excerpt).toEqual({ text: '[redacted][redacted][redacted]', truncated: true });
  });
});
