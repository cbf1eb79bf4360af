import { createHash } from 'node:crypto';

/**
 * First path segments that belong to the server itself. An organization slug is the first segment of its
 * gateway URLs, so it can never be one of these.
 */
export const RESERVED_SEGMENTS = new Set([
  '.well-known',
  'a2a',
  'admin',
  'api',
  'apis',
  'assets',
  'auth',
  'docs',
  'favicon.ico',
  'gateways',
  'graphql',
  'health',
  'login',
  'logout',
  'mcp',
  'metrics',
  'oauth',
  'organizations',
  'register',
  'robots.txt',
  'skills',
  'static',
  'tools',
  'utcp',
  'well-known',
  'ws',
]);

/** Lowercase letters, digits and single hyphens, 2–48 characters. */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  if (base.length >= 2 && !RESERVED_SEGMENTS.has(base)) return base;
  // Names without usable letters (or reserved ones) still get a stable, readable slug.
  return `${base || 'org'}-${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
}

/** The n-th alternative when `slug` is taken: acme, acme-2, acme-3, … */
export function slugCandidate(slug: string, attempt: number): string {
  return attempt === 0 ? slug : `${slug.slice(0, 44)}-${attempt + 1}`;
}
