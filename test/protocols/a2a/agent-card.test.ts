import { DefaultAgentCardResolver } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, signUp } from '../../helpers/fixtures.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { startUpstreamServer, type UpstreamServer } from '../../helpers/upstream-server.ts';
import {
  type A2aGateway,
  addAuthMethod,
  addTool,
  createA2aGateway,
  createPublicTestApp,
  itemTool,
  send,
} from './a2a-fixtures.ts';

let t: TestApp;
let upstream: UpstreamServer;
let owner: Account;
let gateway: A2aGateway;

const V1 = { 'a2a-version': '1.0' };

beforeAll(async () => {
  upstream = await startUpstreamServer();
  t = await createPublicTestApp();
  owner = await signUp(t.app, 'A2A card');
  gateway = await createA2aGateway(t.app, owner, t.url, {
    description: 'Gateway description',
    configuration: {
      agentName: 'Inventory agent',
      agentDescription: 'Looks things up in the inventory',
      version: '2.1.0',
      provider: { organization: 'Acme', url: 'https://acme.example' },
    },
  });
  await addTool(t.app, owner, gateway.id, {
    ...itemTool(upstream, 'getItemDetails'),
    parameters: {
      type: 'object',
      properties: {
        id: { type: 'string', description: 'Item id', examples: ['sku-1'] },
        limit: { type: 'integer', minimum: 5 },
        verbose: { type: 'boolean' },
      },
      required: ['id', 'limit'],
    },
  });
  await addTool(t.app, owner, gateway.id, itemTool(upstream, 'hidden_item'), { enabled: false });
  await addAuthMethod(t.app, owner, gateway.id, 'api_key', { keyHeader: 'X-Agent-Key' });
  await addAuthMethod(t.app, owner, gateway.id, 'jwt', { secret: 's'.repeat(40) });
  await addAuthMethod(t.app, owner, gateway.id, 'basic_auth');
  await addAuthMethod(t.app, owner, gateway.id, 'bearer_token');
  await addAuthMethod(t.app, owner, gateway.id, 'oauth2', { scopes: ['tools:execute'] });
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

describe('the agent card', () => {
  it('is served without credentials at both well-known paths and at the gateway URL itself', async () => {
    const answers = await Promise.all(
      ['/.well-known/agent-card.json', '/.well-known/agent.json', ''].map((path) =>
        send(`${gateway.url}${path}`),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.headers.get('vary')).toBe('A2A-Version');
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.body).toEqual(answers[0]!.body);
    }
  });

  it('describes the agent and one skill per served tool', async () => {
    const card = (await send(`${gateway.url}/.well-known/agent-card.json`, { headers: V1 })).body;
    expect(card).toMatchObject({
      name: 'Inventory agent',
      description: 'Looks things up in the inventory',
      version: '2.1.0',
      provider: { organization: 'Acme', url: 'https://acme.example' },
      capabilities: { streaming: true, pushNotifications: false, extendedAgentCard: false },
      defaultInputModes: ['application/json', 'text/plain'],
      defaultOutputModes: ['application/json', 'text/plain'],
    });
    expect(card.skills).toHaveLength(1);
    const [skill] = card.skills;
    expect(skill).toMatchObject({
      id: 'getItemDetails',
      name: 'Get item details',
      tags: ['tool', 'get', 'item', 'details'],
      inputModes: ['application/json', 'text/plain'],
      outputModes: ['application/json', 'text/plain'],
    });
    expect(skill.description).toBe(
      'Fetches an item by id\n\nArguments: id (string, required): Item id; limit (integer, required); verbose (boolean)',
    );
    expect(JSON.parse(skill.examples[0])).toEqual({
      tool: 'getItemDetails',
      arguments: { id: 'sku-1', limit: 5 },
    });
  });

  it('speaks v1.0 to clients that ask for it: both interfaces, ProtoJSON security schemes', async () => {
    const card = (await send(`${gateway.url}/.well-known/agent-card.json`, { headers: V1 })).body;
    expect(card.supportedInterfaces).toEqual([
      { url: gateway.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      { url: gateway.url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
    ]);
    expect(card.url).toBeUndefined();
    expect(card.securitySchemes).toEqual({
      apiKey: {
        apiKeySecurityScheme: { location: 'header', name: 'X-Agent-Key', description: expect.any(String) },
      },
      jwt: {
        httpAuthSecurityScheme: { scheme: 'Bearer', bearerFormat: 'JWT', description: expect.any(String) },
      },
      basic: { httpAuthSecurityScheme: { scheme: 'Basic', description: expect.any(String) } },
      bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: expect.any(String) } },
      oauth2: {
        oauth2SecurityScheme: {
          description: expect.any(String),
          oauth2MetadataUrl: `${gateway.url}/.well-known/oauth-authorization-server`,
          flows: {
            authorizationCode: {
              authorizationUrl: `${gateway.url}/oauth/authorize`,
              tokenUrl: `${gateway.url}/oauth/token`,
              scopes: { 'tools:execute': 'Run skills' },
              pkceRequired: true,
            },
          },
        },
      },
    });
    expect(card.securityRequirements).toEqual(
      ['apiKey', 'jwt', 'basic', 'bearer', 'oauth2'].map((name) => ({ schemes: { [name]: { list: [] } } })),
    );
  });

  it('speaks v0.3 by default, with the v1.0 interfaces embedded', async () => {
    const card = (await send(`${gateway.url}/.well-known/agent-card.json`)).body;
    expect(card).toMatchObject({
      protocolVersion: '0.3.0',
      url: gateway.url,
      preferredTransport: 'JSONRPC',
      supportsAuthenticatedExtendedCard: false,
      capabilities: { streaming: true, pushNotifications: false },
    });
    expect(card.supportedInterfaces).toHaveLength(2);
    expect(card.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Agent-Key' });
    expect(card.securitySchemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(card.securitySchemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(card.securitySchemes.oauth2).toMatchObject({
      type: 'oauth2',
      oauth2MetadataUrl: `${gateway.url}/.well-known/oauth-authorization-server`,
    });
    expect(card.security).toEqual([
      { apiKey: [] },
      { jwt: [] },
      { basic: [] },
      { bearer: [] },
      { oauth2: [] },
    ]);
  });

  it('is read by the SDK resolvers, with and without their v0.3 compatibility layer', async () => {
    for (const resolver of [
      new DefaultAgentCardResolver(),
      new DefaultAgentCardResolver({ legacyCompat: { enabled: true } }),
    ]) {
      const card = await resolver.resolve(`${gateway.url}/`);
      expect(card.name).toBe('Inventory agent');
      expect(card.supportedInterfaces[0]).toMatchObject({
        protocolBinding: 'JSONRPC',
        protocolVersion: '1.0',
      });
      expect(card.securitySchemes.apiKey?.scheme?.$case).toBe('apiKeySecurityScheme');
    }
  });

  it('says that anyone may call an open gateway, and has defaults for an unconfigured one', async () => {
    const open = await createA2aGateway(t.app, owner, t.url);
    await addAuthMethod(t.app, owner, open.id, 'none');
    const v1 = (await send(`${open.url}/.well-known/agent-card.json`, { headers: V1 })).body;
    expect(v1.securityRequirements).toEqual([{}]);
    expect(v1.securitySchemes).toBeUndefined();
    expect(v1).toMatchObject({ version: '1.0.0', skills: [] });
    expect(v1.name).toMatch(/^Gateway \/a2a-/);
    expect((await send(`${open.url}/.well-known/agent.json`)).body.security).toEqual([{}]);
  });

  it('revalidates with its ETag', async () => {
    const first = await send(`${gateway.url}/.well-known/agent-card.json`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const again = await fetch(`${gateway.url}/.well-known/agent-card.json`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    const v1 = await fetch(`${gateway.url}/.well-known/agent-card.json`, {
      headers: { 'if-none-match': etag!, ...V1 },
    });
    expect(v1.status).toBe(200);
  });
});
