import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_KEY_LABEL } from '../../server/auth/secret-keys.ts';
import { type Account, createGateway, signUp } from '../helpers/fixtures.ts';
import { expectOk, rest } from '../helpers/http.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let owner: Account;
let gatewayId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Keys');
  gatewayId = (await createGateway(t.app, owner.caller, '/keyed')).id;
});
afterAll(() => t.close());

async function issue(body: Record<string, unknown> = { name: 'k' }) {
  return expectOk(
    await rest(t.app, 'POST', `/gateways/${gatewayId}/auth/api-keys`, { caller: owner.caller, body }),
    201,
  );
}

describe('verifyGatewayKey', () => {
  it('accepts the issued key and rejects every near miss', async () => {
    const { key, id } = await issue();
    const verify = (candidate: string) => t.app.deps.gatewayKeys.verify(candidate);
    expect(await verify(key)).toMatchObject({ id, gatewayId, organizationId: owner.organizationId });
    const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
    for (const wrong of [
      `${key.slice(0, -1)}${lastChar}`,
      key.slice(0, -1),
      `${key}x`,
      key.toUpperCase(),
      `${GATEWAY_KEY_LABEL}${'A'.repeat(43)}`,
      '',
      'Bearer',
      key.replace(GATEWAY_KEY_LABEL, 'other_gw_'),
    ]) {
      expect(await verify(wrong), wrong).toBeNull();
    }
  });

  it('stops accepting a key as soon as it is revoked, even while cached', async () => {
    const { key, id } = await issue();
    expect(await t.app.deps.gatewayKeys.verify(key)).not.toBeNull();
    expectOk(
      await rest(t.app, 'DELETE', `/gateways/${gatewayId}/auth/api-keys/${id}`, { caller: owner.caller }),
    );
    expect(await t.app.deps.gatewayKeys.verify(key)).toBeNull();
  });

  it('stops accepting a key revoked by another instance once the event arrives', async () => {
    const { key, id, keyPrefix } = await issue();
    expect(await t.app.deps.gatewayKeys.verify(key)).not.toBeNull();
    // Another instance writes the revocation and announces it; this one only hears the event.
    await t.app.deps.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    t.app.deps.bus.publish('apiKeyChanged', { prefix: keyPrefix });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await t.app.deps.gatewayKeys.verify(key)).toBeNull();
  });

  it('rejects an expired key without a database change', async () => {
    const { key, id } = await issue({ name: 'short', expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect(await t.app.deps.gatewayKeys.verify(key)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(await t.app.deps.gatewayKeys.verify(key)).toBeNull();
    const listed = expectOk(
      await rest(t.app, 'GET', `/gateways/${gatewayId}/auth/api-keys`, { caller: owner.caller }),
    );
    expect(listed.find((entry: { id: string }) => entry.id === id).status).toBe('expired');
  });

  it('records the last use in a batch, not per request', async () => {
    const { key, id } = await issue();
    for (let i = 0; i < 5; i++) {
      const record = await t.app.deps.gatewayKeys.verify(key);
      t.app.deps.gatewayKeyUsage.touch(record!.id);
    }
    expect((await t.app.deps.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
    await t.app.deps.gatewayKeyUsage.flush();
    expect((await t.app.deps.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeInstanceOf(Date);
  });
});
