import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Derives an independent sub-key so one ENCRYPTION_KEY can serve several purposes safely. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `toolgate:${purpose}`, 32));
}

/** HMAC-SHA-256 of a high-entropy secret, hex encoded. Fast on purpose: the input is random, not a password. */
export function keyedDigest(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret).digest('hex');
}

/** Compares two hex digests without leaking where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
