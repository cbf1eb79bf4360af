import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_TOKEN = 'bench-token-0123456789';
const BODY = JSON.stringify({
  items: Array.from({ length: 10 }, (_, index) => ({ id: index, name: `item-${index}` })),
});

export interface BenchUpstream {
  origin: string;
  /** A direct call, the baseline every tool-call path is compared with. */
  direct(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback JSON API that demands the bench bearer token, like a real upstream would. */
export async function startBenchUpstream(): Promise<BenchUpstream> {
  const server: Server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${BENCH_TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    response.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async direct() {
      const response = await fetch(`${origin}/items?limit=10&q=bench`, {
        headers: { authorization: `Bearer ${BENCH_TOKEN}` },
      });
      if (!response.ok) throw new Error(`direct call failed: ${response.status}`);
      await response.json();
    },
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A one-operation OpenAPI description of the bench upstream, so tools get their credentials as users' do. */
export function benchApiDescription(origin: string): string {
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Bench', version: '1' },
    servers: [{ url: origin }],
    paths: {
      '/items': {
        get: {
          operationId: 'listItems',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: true,
              schema: { type: 'integer', minimum: 1, maximum: 100 },
            },
            { name: 'q', in: 'query', schema: { type: 'string', minLength: 1 } },
          ],
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
    },
  });
}
