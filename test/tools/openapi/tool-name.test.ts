import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ImportedOperation, toolNameFor } from '../../../server/tools/openapi/index.ts';
import type { HttpMethod } from '../../../server/tools/types.ts';

function op(method: HttpMethod, path: string, operationId?: string): ImportedOperation {
  return {
    key: `${method} ${path}`,
    ...(operationId === undefined ? {} : { operationId }),
    method,
    path,
    description: `${method} ${path}`,
    tags: [],
    parameters: { type: 'object', properties: {}, required: [] },
    executionConfig: { method, url: `https://api.example.com${path}` },
    security: [],
    deprecated: false,
  };
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

describe('toolNameFor', () => {
  it('uses the operationId, else the method and path', () => {
    const taken = new Set<string>();
    expect(toolNameFor(op('GET', '/pets', 'listPets'), { taken })).toBe('listPets');
    expect(toolNameFor(op('GET', '/pets/{petId}'), { taken })).toBe('get_pets_petId');
    expect(toolNameFor(op('DELETE', '/stores/{storeId}/pets/{petId}'), { taken })).toBe(
      'delete_stores_storeId_pets_petId',
    );
    expect(toolNameFor(op('GET', '/'), { taken })).toBe('get');
    expect(toolNameFor(op('PATCH', '/v1/users.json'), { taken })).toBe('patch_v1_users_json');
  });

  it('replaces characters outside [a-zA-Z0-9_-] and falls back when nothing is left', () => {
    const taken = new Set<string>();
    expect(toolNameFor(op('GET', '/pets', 'pets.list all'), { taken })).toBe('pets_list_all');
    expect(toolNameFor(op('GET', '/pets', '  Pets::List (v2) '), { taken })).toBe('Pets_List_v2');
    expect(toolNameFor(op('POST', '/wiadomości', 'wyślij-wiadomość'), { taken })).toBe('wy_lij-wiadomo');
    expect(toolNameFor(op('GET', '/tiere', '一覧'), { taken })).toBe('get_tiere');
  });

  it('puts the sanitized prefix in front', () => {
    const taken = new Set<string>();
    expect(toolNameFor(op('GET', '/pets', 'listPets'), { prefix: 'petstore', taken })).toBe(
      'petstore_listPets',
    );
    expect(toolNameFor(op('GET', '/pets', 'listPets'), { prefix: 'my api!', taken })).toBe('my_api_listPets');
    expect(toolNameFor(op('GET', '/pets', 'listPets'), { prefix: 'acme-', taken })).toBe('acme-listPets');
    expect(toolNameFor(op('GET', '/pets', 'listPets'), { prefix: '', taken })).toBe('listPets');
  });

  it('shortens long names to 64 characters with a hash of the operation key', () => {
    const long = op('POST', '/reports', `generate${'VeryDetailed'.repeat(8)}Report`);
    const name = toolNameFor(long, { taken: new Set() });
    expect(name).toHaveLength(64);
    expect(name).toBe(`${long.operationId?.slice(0, 55)}_${hash('POST /reports')}`);
    expect(toolNameFor(long, { taken: new Set() })).toBe(name);
    const otherKey = { ...long, key: 'PUT /reports', method: 'PUT' as const };
    expect(toolNameFor(otherKey, { taken: new Set() })).not.toBe(name);

    const prefixed = toolNameFor(op('GET', '/a', 'x'.repeat(60)), { prefix: 'service', taken: new Set() });
    expect(prefixed).toBe(`service_${'x'.repeat(47)}_${hash('GET /a')}`);
    expect(prefixed).toMatch(VALID);
  });

  it('adds a deterministic hash suffix when the name is taken and never returns a taken name', () => {
    const listPets = op('GET', '/pets', 'listPets');
    const suffix = hash('GET /pets');
    const taken = new Set(['listPets']);
    expect(toolNameFor(listPets, { taken })).toBe(`listPets_${suffix}`);
    expect(taken).toEqual(new Set(['listPets']));
    taken.add(`listPets_${suffix}`);
    expect(toolNameFor(listPets, { taken })).toBe(`listPets_${suffix}_2`);
    taken.add(`listPets_${suffix}_2`);
    expect(toolNameFor(listPets, { taken })).toBe(`listPets_${suffix}_3`);

    const long = op('GET', '/long', 'y'.repeat(70));
    const first = toolNameFor(long, { taken: new Set() });
    const second = toolNameFor(long, { taken: new Set([first]) });
    expect(second).toBe(`${'y'.repeat(53)}_${hash('GET /long')}_2`);
    expect(second).toHaveLength(64);
  });

  it('gives many colliding operations distinct valid names', () => {
    const taken = new Set<string>();
    for (let index = 0; index < 200; index += 1) {
      const name = toolNameFor(op('GET', `/items/${index}`, 'getItem'), { taken });
      expect(name).toMatch(VALID);
      expect(taken.has(name)).toBe(false);
      taken.add(name);
    }
    expect(taken.size).toBe(200);
  });
});
