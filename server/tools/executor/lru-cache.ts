/**
 * A size-bounded map that forgets the least recently used entry first. Backed by a Map, whose insertion
 * order doubles as the recency order: a hit re-inserts the key at the end.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  /**
   * @param maxEntries upper bound on stored entries (at least 1).
   * @param onEvict called with each entry pushed out by a newer one, e.g. to release resources.
   * @throws RangeError when maxEntries is not a positive integer.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`LRU cache size must be a positive integer, got ${maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Returns the entry and marks it most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores an entry as most recently used, evicting the oldest entries beyond the bound. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      const evicted = this.entries.get(oldest.value) as V;
      this.entries.delete(oldest.value);
      this.onEvict?.(oldest.value, evicted);
    }
  }

  /** Removes an entry without calling `onEvict`. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
