import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createToolExecutor } from '../../../server/tools/executor/create-tool-executor.ts';
import type { ExecutableTool, ExecutionOutcome, ToolExecutor } from '../../../server/tools/executor/types.ts';
import type { HttpExecutionConfig, UpstreamCredential } from '../../../server/tools/types.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
let other: UpstreamServer;
let executor: ToolExecutor;
let clock = 1_000_000;

const CLIENT_ID = 'client a';
const CLIENT_SECRET = 's3cret+&=/value';

function httpTool(config: Partial<HttpExecutionConfig> = {}): ExecutableTool {
  return {
    id: 'credentialed',
    version: '1',
    type: 'http',
    parameters: { type: 'object' },
    executionConfig: { method: 'GET', url: upstream.url('/echo?x=1'), ...config },
  };
}

interface Echo {
  query: Record<string, string[]>;
  headers: Record<string, string | undefined>;
}

function echoed(outcome: ExecutionOutcome): Echo {
  if (!outcome.ok) throw new Error(`${outcome.errorCode}: ${outcome.message}`);
  return outcome.result as Echo;
}

function oauth(scopes?: string[], secret = CLIENT_SECRET): UpstreamCredential {
  return {
    type: 'oauth2_client_credentials',
    tokenUrl: upstream.url('/oauth/token'),
    clientId: CLIENT_ID,
    clientSecret: secret,
    scopes,
  };
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
  other = await startUpstreamServer();
  executor = createToolExecutor({ allowedUpstreams: ['127.0.0.1/32'], now: () => clock });
});

afterAll(async () => {
  await executor.close();
  await upstream.close();
  await other.close();
});

beforeEach(() => {
  upstream.reset();
  other.reset();
  upstream.oauthClients.set(CLIENT_ID, CLIENT_SECRET);
});

describe('static credentials', () => {
  it('puts an API key in a header', async () => {
    const credentials: UpstreamCredential[] = [
      { type: 'api_key', in: 'header', name: 'X-Api-Key', value: 'key-123' },
    ];
    const seen = echoed(await executor.execute({ tool: httpTool(), arguments: {}, credentials }));
    expect(seen.headers['x-api-key']).toBe('key-123');
  });

  it('puts an API key in the query string, encoded', async () => {
    const credentials: UpstreamCredential[] = [
      { type: 'api_key', in: 'query', name: 'api_key', value: 'k y&z' },
    ];
    const seen = echoed(await executor.execute({ tool: httpTool(), arguments: {}, credentials }));
    expect(seen.query).toEqual({ x: ['1'], api_key: ['k y&z'] });
  });

  it('adds an API key cookie next to configured cookies', async () => {
    const credentials: UpstreamCredential[] = [
      { type: 'api_key', in: 'cookie', name: 'session', value: 'abc' },
    ];
    const tool = httpTool({ headers: { Cookie: 'theme=dark' } });
    const seen = echoed(await executor.execute({ tool, arguments: {}, credentials }));
    expect(seen.headers.cookie).toBe('theme=dark; session=abc');
  });

  it('sends bearer tokens', async () => {
    const credentials: UpstreamCredential[] = [{ type: 'bearer', token: 'tok-456' }];
    const seen = echoed(await executor.execute({ tool: httpTool(), arguments: {}, credentials }));
    expect(seen.headers.authorization).toBe('Bearer tok-456');
  });

  it('sends basic credentials', async () => {
    const credentials: UpstreamCredential[] = [{ type: 'basic', username: 'ada', password: 'p:ss' }];
    const seen = echoed(await executor.execute({ tool: httpTool(), arguments: {}, credentials }));
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('ada:p:ss').toString('base64')}`);
  });

  it('refuses credential values with line breaks without quoting them', async () => {
    const credentials: UpstreamCredential[] = [{ type: 'bearer', token: 'bad\r\nX-Evil: 1' }];
    const outcome = await executor.execute({ tool: httpTool(), arguments: {}, credentials });
    expect(outcome).toMatchObject({ ok: false, errorCode: 'INVALID_CONFIGURATION' });
    expect(JSON.stringify(outcome)).not.toContain('X-Evil');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('OAuth2 client credentials', () => {
  it('fetches one token for many sequential and concurrent calls', async () => {
    const credentials = [oauth(['read', 'write'])];
    for (let index = 0; index < 5; index += 1) {
      const seen = echoed(await executor.execute({ tool: httpTool(), arguments: {}, credentials }));
      expect(seen.headers.authorization).toMatch(/^Bearer access-client a-\d+$/);
    }
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => executor.execute({ tool: httpTool(), arguments: {}, credentials })),
    );
    const tokens = new Set(concurrent.map((outcome) => echoed(outcome).headers.authorization));
    expect(tokens.size).toBe(1);
    const tokenRequests = upstream.requestsTo('/oauth/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.method).toBe('POST');
    expect(new URLSearchParams(tokenRequests[0]?.body)).toEqual(
      new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write' }),
    );
  });

  it('shares concurrent first fetches', async () => {
    const credentials = [oauth(['concurrent'])];
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => executor.execute({ tool: httpTool(), arguments: {}, credentials })),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(upstream.requestsTo('/oauth/token')).toHaveLength(1);
  });

  it('keeps separate tokens per scope set and refreshes shortly before expiry', async () => {
    await executor.execute({ tool: httpTool(), arguments: {}, credentials: [oauth(['a'])] });
    await executor.execute({ tool: httpTool(), arguments: {}, credentials: [oauth(['b'])] });
    await executor.execute({ tool: httpTool(), arguments: {}, credentials: [oauth(['a'])] });
    expect(upstream.requestsTo('/oauth/token')).toHaveLength(2);
    // The test server grants 3600 s; the token is renewed once fewer than 30 s remain.
    clock += 3_560_000;
    await executor.execute({ tool: httpTool(), arguments: {}, credentials: [oauth(['a'])] });
    expect(upstream.requestsTo('/oauth/token')).toHaveLength(2);
    clock += 15_000;
    await executor.execute({ tool: httpTool(), arguments: {}, credentials: [oauth(['a'])] });
    expect(upstream.requestsTo('/oauth/token')).toHaveLength(3);
  });

  it('does not hand a cached token to a caller with the wrong secret', async () => {
    const good = await executor.execute({
      tool: httpTool(),
      arguments: {},
      credentials: [oauth(['tenant'])],
    });
    expect(good.ok).toBe(true);
    const wrong = await executor.execute({
      tool: httpTool(),
      arguments: {},
      credentials: [oauth(['tenant'], 'guessed')],
    });
    expect(wrong).toMatchObject({ ok: false, errorCode: 'UPSTREAM_ERROR', upstreamStatus: 401 });
    expect(wrong.ok || wrong.message).toContain('OAuth2 token request');
    expect(upstream.requestsTo('/echo')).toHaveLength(1);
  });

  it('fetches a new token after the upstream answers 401', async () => {
    let calls = 0;
    upstream.route('/protected', (_request, response) => {
      calls += 1;
      response.writeHead(calls === 1 ? 401 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ calls }));
    });
    const credentials = [oauth(['revocable'])];
    const tool = httpTool({ url: upstream.url('/protected') });
    expect(await executor.execute({ tool, arguments: {}, credentials })).toMatchObject({
      ok: false,
      upstreamStatus: 401,
    });
    expect(await executor.execute({ tool, arguments: {}, credentials })).toMatchObject({
      ok: true,
      result: { calls: 2 },
    });
    const [first, second] = upstream.requestsTo('/protected');
    expect(first?.headers.authorization).not.toBe(second?.headers.authorization);
    expect(upstream.requestsTo('/oauth/token')).toHaveLength(2);
  });

  it('applies the SSRF policy to the token URL', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const guarded = createToolExecutor({ allowedUpstreams: ['api.test'], lookup });
    try {
      const tool = httpTool({ url: `http://api.test:${upstream.port}/echo` });
      const outcome = await guarded.execute({ tool, arguments: {}, credentials: [oauth(['x'])] });
      expect(outcome).toMatchObject({ ok: false, errorCode: 'DESTINATION_BLOCKED' });
      expect(upstream.requests).toHaveLength(0);
      const allowed = await guarded.execute({
        tool,
        arguments: {},
        credentials: [{ type: 'bearer', token: 't' }],
      });
      expect(allowed.ok).toBe(true);
    } finally {
      await guarded.close();
    }
  });
});

describe('redirects and credentials', () => {
  const credentials: UpstreamCredential[] = [
    { type: 'bearer', token: 'redirect-secret' },
    { type: 'api_key', in: 'header', name: 'X-Api-Key', value: 'redirect-key' },
  ];

  it('keeps credentials on a same-origin redirect', async () => {
    const tool = httpTool({ url: upstream.url('/redirect?to=/echo') });
    const seen = echoed(await executor.execute({ tool, arguments: {}, credentials }));
    expect(seen.headers.authorization).toBe('Bearer redirect-secret');
    expect(seen.headers['x-api-key']).toBe('redirect-key');
  });

  it('drops credential headers when the redirect changes origin', async () => {
    const tool = httpTool({
      url: upstream.url(`/redirect?to=${encodeURIComponent(other.url('/echo'))}`),
      headers: { 'X-Plain': 'kept' },
    });
    const seen = echoed(await executor.execute({ tool, arguments: {}, credentials }));
    expect(other.requestsTo('/echo')).toHaveLength(1);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['x-plain']).toBe('kept');
  });
});
