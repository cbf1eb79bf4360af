import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentFetchError, fetchDocument } from '../../../server/tools/executor/fetch-document.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';

let upstream: UpstreamServer;
const allowed = { allowedUpstreams: ['127.0.0.1/32'] };

async function failure(promise: Promise<unknown>): Promise<DocumentFetchError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DocumentFetchError);
  return error as DocumentFetchError;
}

beforeAll(async () => {
  upstream = await startUpstreamServer();
});

afterAll(async () => {
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('fetchDocument', () => {
  it('returns the document text', async () => {
    upstream.route('/openapi.yaml', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8' });
      response.end('openapi: 3.1.0\ninfo:\n  title: Café\n');
    });
    await expect(fetchDocument(upstream.url('/openapi.yaml'), allowed)).resolves.toBe(
      'openapi: 3.1.0\ninfo:\n  title: Café\n',
    );
    expect(upstream.requests[0]?.headers.accept).toContain('application/json');
  });

  it('follows redirects', async () => {
    await expect(fetchDocument(upstream.url('/redirect?to=/text'), allowed)).resolves.toBe('plain text body');
  });

  it('refuses loopback unless allowlisted, before connecting', async () => {
    const error = await failure(fetchDocument(upstream.url('/text')));
    expect(error.code).toBe('DESTINATION_BLOCKED');
    expect(error.message).toContain('ALLOWED_UPSTREAM_HOSTS');
    expect(upstream.connections).toBe(0);
  });

  it('refuses names resolving to private addresses', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = await failure(fetchDocument(`http://docs.test:${upstream.port}/text`, { lookup }));
    expect(error.code).toBe('DESTINATION_BLOCKED');
    expect(upstream.connections).toBe(0);
  });

  it('refuses a redirect into a non-allowlisted destination', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const to = encodeURIComponent(`http://127.0.0.1:${upstream.port}/text`);
    const error = await failure(
      fetchDocument(`http://docs.test:${upstream.port}/redirect?to=${to}`, {
        lookup,
        allowedUpstreams: ['docs.test'],
      }),
    );
    expect(error.code).toBe('DESTINATION_BLOCKED');
    expect(upstream.requestsTo('/redirect')).toHaveLength(1);
    expect(upstream.requestsTo('/text')).toHaveLength(0);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/x', 'gopher://127.0.0.1:70/x'])(
    'refuses the scheme of %s',
    async (url) => {
      const error = await failure(fetchDocument(url, allowed));
      expect(error.code).toBe('DESTINATION_BLOCKED');
    },
  );

  it('reports an invalid URL', async () => {
    expect((await failure(fetchDocument('not a url'))).code).toBe('INVALID_URL');
  });

  it('reports HTTP errors with their status', async () => {
    const error = await failure(fetchDocument(upstream.url('/status?code=404'), allowed));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 404 });
  });

  it('enforces the size limit', async () => {
    const error = await failure(
      fetchDocument(upstream.url('/huge?bytes=1048576'), { ...allowed, maxBytes: 1024 }),
    );
    expect(error.code).toBe('TOO_LARGE');
  });

  it('enforces the timeout', async () => {
    const error = await failure(fetchDocument(upstream.url('/trickle'), { ...allowed, timeoutMs: 100 }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('reports a connection reset as UNREACHABLE', async () => {
    expect((await failure(fetchDocument(upstream.url('/reset'), allowed))).code).toBe('UNREACHABLE');
  });
});
