import { randomBytes } from 'node:crypto';
import { keyedDigest } from '../security/keyed-digest.ts';

/** Gateway API keys: `almyty_gw_` + 256 random bits, base64url. */
export const GATEWAY_KEY_LABEL = 'almyty_gw_';
/** Personal access tokens for the management API. */
export const PERSONAL_TOKEN_LABEL = 'toolgate_pat_';

// 12 base64url characters (72 bits) after the label identify the row; the rest stays secret.
const PREFIX_RANDOM_CHARS = 12;
const RANDOM_BYTES = 32;
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedSecret {
  /** The whole secret, shown to its owner once. */
  key: string;
  /** Stored and shown in lists; enough to find the row, useless to authenticate. */
  prefix: string;
  digest: string;
}

export function issueSecret(label: string, digestKey: Buffer): IssuedSecret {
  const key = label + randomBytes(RANDOM_BYTES).toString('base64url');
  return { key, prefix: prefixOf(label, key), digest: keyedDigest(digestKey, key) };
}

/** Returns the lookup prefix of a presented secret, or null when it cannot be one of ours. */
export function parseSecret(label: string, presented: string): string | null {
  if (!presented.startsWith(label) || !KEY_PATTERN.test(presented.slice(label.length))) return null;
  return prefixOf(label, presented);
}

function prefixOf(label: string, key: string): string {
  return key.slice(0, label.length + PREFIX_RANDOM_CHARS);
}
