import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from './helpers/db-state.ts';
import { type Account, EXAMPLE_OPENAPI, signUp } from './helpers/fixtures.ts';
import { expectData, expectGraphqlError, expectOk, gql, rest } from './helpers/http.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

// Limits on what one request may ask: GraphQL documents (configured in server/app.ts) and body size.

let t: TestApp;
let owner: Account;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Limits Co');
});
afterAll(() => t.close());

const gateway = (fields: Record<string, unknown>) => ({
  name: 'Big',
  type: 'mcp',
  endpoint: '/big',
  ...fields,
});

const typeChain = (levels: number) =>
  `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } }`;
const aliases = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `me${i}: me { id }`).join(' ')} }`;

describe('GraphQL limits', () => {
  const createMany = Array.from(
    { length: 21 },
    (_, i) => `g${i}: createGateway(input: { name: "A", type: mcp, endpoint: "/alias-${i}" }) { id }`,
  );
  const limits: [string, string, RegExp][] = [
    ['depth', typeChain(9), /^Syntax Error: Query depth limit of 12 exceeded, found 13\.$/],
    [
      'aliases',
      `mutation { ${createMany.join(' ')} }`,
      /^Syntax Error: Aliases limit of 20 exceeded, found 21\.$/,
    ],
    [
      'cost',
      `{ me { ${'...F '.repeat(200)} } } fragment F on User { id email firstName lastName createdAt updatedAt }`,
      /^Syntax Error: Query Cost limit of 5000 exceeded, found \d+\.$/,
    ],
    ['tokens', `{ me { ${'id '.repeat(2001)} } }`, /^Syntax Error: Token limit of 2000 exceeded\.$/],
    ['directives', `{ me { ${'id @include(if: true) '.repeat(21)} } }`, /Directives limit of 20 exceeded/],
  ];

  it.each(limits)('refuses a query over the %s limit with a 400 naming it', async (_name, query, limit) => {
    const before = await countRows(t.app);
    const result = await gql(t.app, query, {}, owner.caller);
    expect(result.status).toBe(400);
    expect(expectGraphqlError(result, 'BAD_REQUEST')).toMatch(limit);
    expect(result.data ?? null).toBeNull();
    expect(await countRows(t.app)).toEqual(before);
  });

  it('accepts queries at the limits', async () => {
    expectData(await gql(t.app, typeChain(8), {}, owner.caller));
    const data = expectData(await gql<Record<string, unknown>, object>(t.app, aliases(20), {}, owner.caller));
    expect(Object.keys(data)).toHaveLength(20);
  });
});

describe('body size', () => {
  let small: TestApp;
  let user: Account;

  beforeAll(async () => {
    small = await createTestApp({ env: { MAX_BODY_BYTES: '2048' } });
    user = await signUp(small.app, 'Small Bodies');
  });
  afterAll(() => small.close());

  const tooLarge = 'body: larger than the 2048 bytes allowed (MAX_BODY_BYTES)';
  const big = JSON.stringify(gateway({ description: 'x'.repeat(3000) }));

  async function send(path: string, body: BodyInit, headers: Record<string, string> = {}) {
    const before = await countRows(small.app);
    const response = await small.app.fetch(
      new Request(`http://toolgate.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...headers },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(await countRows(small.app)).toEqual(before);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function chunked(text: string): ReadableStream<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 500) controller.enqueue(bytes.slice(at, at + 500));
        controller.close();
      },
    });
  }

  it.each(['/gateways', '/apis', '/graphql'])(
    'refuses an oversized body on %s, declared or streamed',
    async (path) => {
      const expected = { success: false, error: 'PAYLOAD_TOO_LARGE', message: tooLarge, statusCode: 413 };
      const declared = await send(path, big, { 'content-length': String(Buffer.byteLength(big)) });
      expect(declared).toEqual({ status: 413, body: expected });
      expect(await send(path, chunked(big))).toEqual({ status: 413, body: expected });
    },
  );

  it('lets pasted API descriptions past the limit on the import route only', async () => {
    const caller = user.caller;
    const api = expectOk(await rest(small.app, 'POST', '/apis', { caller, body: { name: 'Big' } }), 201);
    const info = { ...EXAMPLE_OPENAPI.info, description: 'x'.repeat(3000) };
    const body = { schemaContent: { ...EXAMPLE_OPENAPI, info } };
    const imported = await rest(small.app, 'POST', `/apis/${api.id}/import-schema`, { caller, body });
    expect(expectOk(imported).operationCount).toBe(2);
    // Any other route keeps the limit, tool calls included.
    const execute = `/organizations/${user.organizationId}/tools/${randomUUID()}/execute`;
    const call = await send(execute, JSON.stringify({ parameters: { text: 'x'.repeat(3000) } }));
    expect(call.status).toBe(413);
  });

  it('accepts a body at the limit', async () => {
    const body = JSON.stringify(gateway({ endpoint: '/fits', description: '' }));
    const padded = body.replace(
      '"description":""',
      `"description":"${'d'.repeat(2048 - Buffer.byteLength(body))}"`,
    );
    expect(Buffer.byteLength(padded)).toBe(2048);
    const response = await small.app.fetch(
      new Request('http://toolgate.test/gateways', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: chunked(padded),
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(201);
  });
});
