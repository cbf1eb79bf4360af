import { createSchema, createYoga } from 'graphql-yoga';
import { signUp } from '../test/helpers/fixtures.ts';
import { expectOk, rest } from '../test/helpers/http.ts';
import { createTestApp } from '../test/helpers/test-app.ts';
import { measure, report } from './measure.ts';

const GATEWAY_QUERY = `query($id: ID!) { gateway(id: $id) { id name type endpoint status url toolCount createdAt authMethods { id type } } }`;

/**
 * Management plane: an authenticated `gateway(id)` against a bare Yoga hello-world, the REST route against
 * that same GraphQL query (the adapter's cost), and gateway-key verification with and without its cache.
 */
export async function benchManagement(): Promise<void> {
  const t = await createTestApp({ env: { MANAGEMENT_RATE_LIMIT: '100000000' } });
  try {
    const owner = await signUp(t.app, 'Bench');
    const gateway = expectOk(
      await rest(t.app, 'POST', '/gateways', {
        caller: owner.caller,
        body: { name: 'Bench', type: 'mcp', endpoint: '/bench' },
      }),
      201,
    );
    const key = expectOk(
      await rest(t.app, 'POST', `/gateways/${gateway.id}/auth/api-keys`, {
        caller: owner.caller,
        body: { name: 'bench' },
      }),
      201,
    );

    const hello = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { hello: String! }',
        resolvers: { Query: { hello: () => 'world' } },
      }),
      logging: false,
    });
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      new Request('http://bench.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const auth = { authorization: `Bearer ${owner.token}` };

    const baseline = await measure('bare Yoga { hello }', async () =>
      (await hello.fetch(post({ query: '{ hello }' }))).text(),
    );
    const graphqlGateway = await measure('GraphQL gateway(id), authenticated', async () =>
      (await t.app.fetch(post({ query: GATEWAY_QUERY, variables: { id: gateway.id } }, auth))).text(),
    );
    const restGateway = await measure('REST GET /gateways/:id, authenticated', async () =>
      (await t.app.fetch(new Request(`http://bench.test/gateways/${gateway.id}`, { headers: auth }))).text(),
    );
    report('Management API (in-process, concurrency 1)', baseline, [graphqlGateway, restGateway]);
    console.log(
      `REST adapter cost: REST/GraphQL throughput = ${(restGateway.opsPerSecond / graphqlGateway.opsPerSecond).toFixed(3)} (target ≥ 0.9)`,
    );

    const verifier = t.app.deps.gatewayKeys;
    const cached = await measure('verifyGatewayKey, cached', () => verifier.verify(key.key), {
      iterations: 50_000,
    });
    const uncached = await measure('verifyGatewayKey, uncached (database read)', async () => {
      verifier.forget(key.keyPrefix);
      return verifier.verify(key.key);
    });
    report('Gateway key verification', cached, [uncached]);
  } finally {
    await t.close();
  }
}
