import { digestsEqual, keyedDigest } from '../security/keyed-digest.ts';
import { parseSecret } from './secret-keys.ts';

export interface StoredSecret {
  id: string;
  digest: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface SecretVerifier<T extends StoredSecret> {
  /** The stored record of a valid, unexpired, unrevoked secret, or null. */
  verify(presented: string): Promise<T | null>;
  /** Drops a cached record, e.g. after it was revoked here or on another instance. */
  forget(prefix: string): void;
}

/**
 * Verifies high-entropy secrets (gateway keys, personal tokens) without a password hash: find the row by
 * its prefix, compare the keyed SHA-256 digest in constant time. Rows are cached briefly by prefix so a
 * busy key costs no database read; revocation calls `forget`, and expiry is checked on every call.
 */
export function createSecretVerifier<T extends StoredSecret>(options: {
  label: string;
  digestKey: Buffer;
  lookup: (prefix: string) => Promise<T | null>;
  ttlMs?: number;
  maxEntries?: number;
}): SecretVerifier<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { record: T; cachedAt: number }>();

  async function load(prefix: string): Promise<T | null> {
    const hit = cache.get(prefix);
    if (hit && Date.now() - hit.cachedAt < ttlMs) return hit.record;
    const record = await options.lookup(prefix);
    cache.delete(prefix);
    if (record) {
      // Oldest-first eviction: a Map iterates in insertion order.
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(prefix, { record, cachedAt: Date.now() });
    }
    return record;
  }

  return {
    async verify(presented) {
      const prefix = parseSecret(options.label, presented);
      if (!prefix) return null;
      const record = await load(prefix);
      if (!record || record.revokedAt) return null;
      if (!digestsEqual(record.digest, keyedDigest(options.digestKey, presented))) return null;
      if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return null;
      return record;
    },
    forget(prefix) {
      cache.delete(prefix);
    },
  };
}
