import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../server/tools/executor/lru-cache.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
  });

  it('replaces values without eviction', () => {
    const cache = new LruCache<string, number>(1);
    cache.set('a', 1);
    cache.set('a', 2);
    expect([cache.get('a'), cache.size]).toEqual([2, 1]);
  });

  it('rejects a non-positive size', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
