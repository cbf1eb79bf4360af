import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createGateway, createTool, httpTool, joinAs, signUp } from '../../helpers/fixtures.ts';
import { expectError, expectGraphqlError, expectOk, gql, rest } from '../../helpers/http.ts';
import { createTestApp, type TestApp } from '../../helpers/test-app.ts';

let t: TestApp;
let owner: Account;
let viewer: Account;
let outsider: Account;
let skillsGateway: { id: string };
let mcpGateway: { id: string };

const QUERY =
  'query($gatewayId: ID!) { gatewaySkills(gatewayId: $gatewayId) { skills { name fileName content } } }';

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, 'Skills Route');
  viewer = await joinAs(t.app, owner, 'viewer');
  outsider = await signUp(t.app, 'Skills Outsider');
  skillsGateway = await createGateway(t.app, owner.caller, '/skills-route', 'skills');
  mcpGateway = await createGateway(t.app, owner.caller, '/mcp-route', 'mcp');
});
afterAll(() => t?.close());

describe('GET /gateways/:id/skills', () => {
  it('answers an empty list for a skills gateway without tools, then one file per assigned tool', async () => {
    const path = `/gateways/${skillsGateway.id}/skills`;
    expect(expectOk(await rest(t.app, 'GET', path, { caller: owner.caller }))).toEqual({ skills: [] });
    const tool = await createTool(t.app, owner, httpTool(undefined, 'lookup_thing'));
    expectOk(
      await rest(t.app, 'POST', `/gateways/${skillsGateway.id}/tools`, {
        caller: owner.caller,
        body: { toolId: tool.id },
      }),
      201,
    );
    const { skills } = expectOk(await rest(t.app, 'GET', path, { caller: viewer.caller }));
    expect(skills).toHaveLength(1);
    expect(skills[0].name).toBe('lookup-thing');
    expect(skills[0].fileName).toBe('lookup-thing/SKILL.md');
    expect(skills[0].content).toMatch(/^---\nname: lookup-thing\ndescription: Fetches an item\. Use it when/);
    expect(skills[0].content).toContain(
      `toolgate-invoke-url: http://toolgate.test/${owner.organizationSlug}/skills-route/tools/lookup_thing/invoke`,
    );
  });

  it('refuses other gateway types with 400 naming type, the same over GraphQL', async () => {
    const message = expectError(
      await rest(t.app, 'GET', `/gateways/${mcpGateway.id}/skills`, { caller: owner.caller }),
      'BAD_REQUEST',
    );
    expect(message).toBe(
      'type: only gateways of type skills render SKILL.md files; this gateway is of type mcp',
    );
    const twin = await gql(t.app, QUERY, { gatewayId: mcpGateway.id }, owner.caller);
    expect(expectGraphqlError(twin, 'BAD_REQUEST')).toBe(message);
  });

  it("answers 404 for another organization's gateway, as for a missing one", async () => {
    const theirs = await rest(t.app, 'GET', `/gateways/${skillsGateway.id}/skills`, {
      caller: outsider.caller,
    });
    expect(expectError(theirs, 'NOT_FOUND')).toBe('Gateway not found');
  });
});
