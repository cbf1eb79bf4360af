import { lookup as dnsLookup } from 'node:dns/promises';

/** One resolved address; `family` is 4 or 6. */
export interface LookupAddress {
  address: string;
  family: number;
}

/**
 * Resolves a hostname to every address it has. Injectable so tests can simulate names that resolve to
 * private addresses, or that change their answer between calls (DNS rebinding).
 */
export type LookupFunction = (hostname: string) => Promise<readonly LookupAddress[]>;

/**
 * The operating system resolver (`getaddrinfo` through `dns.lookup` with `all: true`), in resolver order.
 * @throws the resolver's error (e.g. code ENOTFOUND) when the name does not resolve.
 */
export const systemLookup: LookupFunction = (hostname) =>
  dnsLookup(hostname, { all: true, order: 'verbatim' });
