import type { UpstreamCredential } from '../types.ts';
import { basicToken, formEncode } from './encoding.ts';

const REDACTED = '[redacted]';

/** The spellings a secret can take on the wire or in an echoing upstream's error body. */
function variants(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms];
}

/**
 * Every secret value a set of credentials can put on the wire, including encoded forms (percent-encoded,
 * Basic base64, OAuth2 client authentication). Empty strings are left out.
 */
export function credentialSecrets(credentials: readonly UpstreamCredential[] | undefined): string[] {
  const secrets: string[] = [];
  for (const credential of credentials ?? []) {
    switch (credential.type) {
      case 'api_key':
        secrets.push(credential.value);
        break;
      case 'bearer':
        secrets.push(credential.token);
        break;
      case 'basic':
        secrets.push(credential.password, basicToken(credential.username, credential.password));
        break;
      case 'oauth2_client_credentials':
        secrets.push(
          credential.clientSecret,
          basicToken(formEncode(credential.clientId), formEncode(credential.clientSecret)),
        );
        break;
    }
  }
  return secrets.filter((secret) => typeof secret === 'string' && secret.length > 0);
}

/** Removes secrets from text and from every string inside JSON-like values. */
export interface Redactor {
  text(value: string): string;
  value<T>(value: T): T;
  /**
   * A secret-free excerpt of at most `maxChars` characters of the original text (plus markers). Cutting
   * happens in the original coordinates, so a secret straddling the cut is still replaced whole and a
   * partial one beyond it can never shift into the excerpt.
   */
  excerpt(value: string, maxChars: number): { text: string; truncated: boolean };
}

type Interval = [start: number, end: number];

/** Builds a redactor for the given secrets in all their spellings. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = [...new Set(secrets.flatMap(variants))].filter((needle) => needle.length > 0);
  const longest = needles.reduce((max, needle) => Math.max(max, needle.length), 0);

  const occurrences = (value: string): Interval[] => {
    const found: Interval[] = [];
    for (const needle of needles) {
      for (let at = value.indexOf(needle); at !== -1; at = value.indexOf(needle, at + 1)) {
        found.push([at, at + needle.length]);
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    const merged: Interval[] = [];
    for (const interval of found) {
      const last = merged[merged.length - 1];
      if (last && interval[0] < last[1]) last[1] = Math.max(last[1], interval[1]);
      else merged.push([interval[0], interval[1]]);
    }
    return merged;
  };

  const rebuild = (value: string, limit: number): string => {
    let output = '';
    let position = 0;
    for (const [start, end] of occurrences(value)) {
      if (start >= limit) break;
      output += `${value.slice(position, start)}${REDACTED}`;
      position = end;
    }
    if (position < limit) output += value.slice(position, limit);
    return output;
  };

  const text = (value: string): string => (needles.length === 0 ? value : rebuild(value, value.length));

  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (depth > 20 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [text(key), scrub(item, depth + 1)]),
    );
  };

  return {
    text,
    value: <T>(value: T): T => (needles.length === 0 ? value : (scrub(value, 0) as T)),
    excerpt(value, maxChars) {
      const truncated = value.length > maxChars;
      // Every secret overlapping the first maxChars characters ends inside this window.
      const window = truncated ? value.slice(0, maxChars + longest) : value;
      return { text: rebuild(window, Math.min(window.length, maxChars)), truncated };
    },
  };
}
