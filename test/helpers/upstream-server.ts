import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/** A request as the upstream saw it, body fully read. */
export interface RecordedRequest {
  method: string;
  /** Path plus query string, as sent. */
  url: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Custom behaviour for one path; receives the already-read request body. */
export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
) => void | Promise<void>;

/** How a streamed response (trickle, huge) ended on the server side. */
export interface StreamRecord {
  pathname: string;
  /** Resolves once the response is over, either fully written or cut by the client. */
  closed: Promise<{ finishedWriting: boolean; bytesSent: number }>;
}

export interface UpstreamServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly origin: string;
  url(pathAndQuery: string): string;
  readonly requests: RecordedRequest[];
  requestsTo(pathname: string): RecordedRequest[];
  /** TCP connections accepted since start or the last reset: zero proves nothing reached the listener. */
  readonly connections: number;
  readonly streams: StreamRecord[];
  /** Client id → secret accepted by `/oauth/token`. */
  readonly oauthClients: Map<string, string>;
  /** Serves `pathname` with a custom handler (takes precedence over the built-in routes). */
  route(pathname: string, handler: RouteHandler): void;
  /** Forgets recorded requests, connections, streams and custom routes. */
  reset(): void;
  close(): Promise<void>;
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function queryObject(query: URLSearchParams): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of query) {
    const values = result[name] ?? [];
    values.push(value);
    result[name] = values;
  }
  return result;
}

function trackStream(
  streams: StreamRecord[],
  pathname: string,
  response: ServerResponse,
): { sent: (n: number) => void } {
  let bytesSent = 0;
  const closed = new Promise<{ finishedWriting: boolean; bytesSent: number }>((resolve) => {
    response.once('close', () => resolve({ finishedWriting: response.writableFinished, bytesSent }));
  });
  streams.push({ pathname, closed });
  return {
    sent: (n) => {
      bytesSent += n;
    },
  };
}

/** Streams `total` bytes in 64 KiB chunks, honouring backpressure, until done or the client goes away. */
async function streamBytes(
  response: ServerResponse,
  total: number,
  sent: (n: number) => void,
): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let remaining = total;
  while (remaining > 0 && !response.destroyed) {
    const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
    remaining -= piece.length;
    sent(piece.length);
    if (!response.write(piece)) {
      const drained = once(response, 'drain').then(() => true);
      const closed = once(response, 'close').then(() => false);
      if (!(await Promise.race([drained, closed]))) return;
    }
  }
  if (!response.destroyed) response.end();
}

type Builtin = (context: {
  request: IncomingMessage;
  response: ServerResponse;
  body: Buffer;
  query: URLSearchParams;
  server: UpstreamServer;
  streams: StreamRecord[];
}) => void | Promise<void>;

let tokenCounter = 0;

const BUILTINS: Record<string, Builtin> = {
  '/json': ({ response }) => sendJson(response, 200, { ok: true, message: 'hello' }),
  '/text': ({ response }) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('plain text body');
  },
  '/echo': ({ request, response, body, query }) => {
    const status = Number(query.get('status') ?? 200);
    sendJson(response, status, {
      method: request.method,
      url: request.url,
      query: queryObject(query),
      headers: request.headers,
      body: body.toString('utf8'),
    });
  },
  '/status': ({ request, response, query }) => {
    const status = Number(query.get('code') ?? 500);
    const headers: Record<string, string> = {};
    const retryAfter = query.get('retryAfter');
    if (retryAfter !== null) headers['retry-after'] = retryAfter;
    sendJson(
      response,
      status,
      { error: `status ${status}`, requestHeaders: request.headers, url: request.url },
      headers,
    );
  },
  '/delay': ({ response, query }) => {
    const timer = setTimeout(
      () => sendJson(response, 200, { delayed: true }),
      Number(query.get('ms') ?? 1000),
    );
    response.once('close', () => clearTimeout(timer));
  },
  '/hang': () => {
    // Never answers; the client has to give up.
  },
  '/trickle': ({ response, query, streams }) => {
    const tracker = trackStream(streams, '/trickle', response);
    response.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(
      () => {
        tracker.sent(1);
        response.write('x');
      },
      Number(query.get('intervalMs') ?? 20),
    );
    response.once('close', () => clearInterval(timer));
  },
  '/huge': async ({ response, query, streams }) => {
    const tracker = trackStream(streams, '/huge', response);
    response.writeHead(200, { 'content-type': 'text/plain' });
    await streamBytes(response, Number(query.get('bytes') ?? 64 * 1024 * 1024), tracker.sent);
  },
  '/huge-declared': ({ response, streams }) => {
    const tracker = trackStream(streams, '/huge-declared', response);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(512 * 1024 * 1024),
    });
    tracker.sent(1);
    response.write('[');
  },
  '/reset': ({ request }) => {
    request.socket.resetAndDestroy();
  },
  '/redirect': ({ response, query }) => {
    response.writeHead(Number(query.get('status') ?? 302), { location: query.get('to') ?? '/json' });
    response.end();
  },
  '/gzip': ({ response }) => {
    const body = gzipSync(JSON.stringify({ compressed: true }));
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': body.length,
    });
    response.end(body);
  },
  '/binary': ({ response }) => {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
  },
  '/graphql': ({ request, response, body }) => {
    if (request.method !== 'POST') return sendJson(response, 405, { error: 'POST only' });
    const { query, variables } = JSON.parse(body.toString('utf8')) as { query: string; variables: unknown };
    if (query.includes('boom')) {
      return sendJson(response, 200, {
        data: null,
        errors: [
          { message: 'Boom happened', path: ['boom'], extensions: { code: 'BOOM' } },
          { message: 'Second problem' },
        ],
      });
    }
    sendJson(response, 200, { data: { echo: { query, variables } } });
  },
  '/oauth/token': ({ request, response, body, server }) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const auth = request.headers.authorization ?? '';
    const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8');
    const [id = '', secret = ''] = decoded
      .split(':')
      .map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
    if (
      form.get('grant_type') !== 'client_credentials' ||
      server.oauthClients.get(id) !== secret ||
      secret === ''
    ) {
      return sendJson(response, 401, { error: 'invalid_client' });
    }
    tokenCounter += 1;
    sendJson(response, 200, {
      access_token: `access-${id}-${tokenCounter}`,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: form.get('scope') ?? '',
    });
  },
};

/**
 * Starts a real HTTP server on a loopback address (127.0.0.1 unless `host` says otherwise; a free port
 * unless `port` is given) with routes for
 * the executor's scenarios: `/json`, `/text`, `/echo` (mirrors method, query, headers, body; `?status=`),
 * `/status?code=&retryAfter=`, `/delay?ms=`, `/hang`, `/trickle?intervalMs=`, `/huge?bytes=`,
 * `/huge-declared`, `/reset` (TCP RST), `/redirect?to=&status=`, `/gzip`, `/binary`, `/graphql` (a query
 * containing "boom" yields errors) and `/oauth/token` (client credentials from `oauthClients`).
 */
export async function startUpstreamServer(
  options: { host?: string; port?: number } = {},
): Promise<UpstreamServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const streams: StreamRecord[] = [];
  const routes = new Map<string, RouteHandler>();
  const sockets = new Set<Socket>();
  let connections = 0;

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://upstream.test');
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      pathname: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: body.toString('utf8'),
    });
    try {
      const custom = routes.get(url.pathname);
      if (custom) return await custom(request, response, body);
      const builtin = BUILTINS[url.pathname];
      if (builtin)
        return await builtin({ request, response, body, query: url.searchParams, server: upstream, streams });
      sendJson(response, 404, { error: 'not found' });
    } catch (error) {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.destroy();
    }
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const upstream: UpstreamServer = {
    host,
    port,
    origin,
    url: (pathAndQuery) => `${origin}${pathAndQuery}`,
    requests,
    requestsTo: (pathname) => requests.filter((request) => request.pathname === pathname),
    get connections() {
      return connections;
    },
    streams,
    oauthClients: new Map(),
    route: (pathname, handler) => {
      routes.set(pathname, handler);
    },
    reset: () => {
      requests.length = 0;
      streams.length = 0;
      connections = 0;
      routes.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  return upstream;
}
