import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { mappedIPv4, parseIpAddress } from './address-ranges.ts';
import { normalizeHostname } from './hostnames.ts';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** The operator's exceptions to the SSRF policy: address ranges and exact hostnames. */
export interface Allowlist {
  readonly hostnames: ReadonlySet<string>;
  readonly ranges: readonly (readonly [IpAddress, number])[];
}

type Entry = { kind: 'range'; range: [IpAddress, number] } | { kind: 'hostname'; hostname: string };

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function invalid(entry: string, why: string): Error {
  return new Error(`ALLOWED_UPSTREAM_HOSTS: '${entry}' ${why}`);
}

function parseEntry(raw: string): Entry {
  const entry = raw.trim();
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const address = stripBrackets(entry.slice(0, slash));
    const bits = entry.slice(slash + 1);
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) {
      throw invalid(entry, 'is not a valid CIDR (expected e.g. 10.0.0.0/8 or fd00::/8)');
    }
    return { kind: 'range', range: [ipaddr.parse(address), Number(bits)] };
  }
  const bare = stripBrackets(entry);
  const family = isIP(bare);
  if (family !== 0) return { kind: 'range', range: [ipaddr.parse(bare), family === 4 ? 32 : 128] };
  if (entry.includes('*')) throw invalid(entry, 'uses a wildcard; list exact hostnames or CIDR ranges');
  let url: URL;
  try {
    url = new URL(`http://${entry}/`);
  } catch {
    throw invalid(entry, 'is neither a CIDR, an IP address nor a hostname');
  }
  if (url.port || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw invalid(entry, 'must be a bare hostname without port, path or credentials');
  }
  // The URL parser turns legacy spellings such as 2130706433 into dotted IPv4, which is a range again.
  const hostname = normalizeHostname(url.hostname);
  const normalizedFamily = isIP(hostname);
  if (normalizedFamily !== 0) {
    return { kind: 'range', range: [ipaddr.parse(hostname), normalizedFamily === 4 ? 32 : 128] };
  }
  return { kind: 'hostname', hostname };
}

/**
 * Splits the comma-separated `ALLOWED_UPSTREAM_HOSTS` value (CIDRs, IP addresses, exact hostnames) and
 * checks every entry. Whitespace and empty items are ignored; an unset variable allows nothing extra.
 * @throws Error naming the first entry that is not a valid CIDR, address or hostname.
 */
export function parseAllowedUpstreams(raw: string | undefined): string[] {
  if (!raw) return [];
  const entries = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  for (const entry of entries) parseEntry(entry);
  return entries;
}

/**
 * Parses allowlist entries into ranges and hostnames.
 * @throws Error naming an entry that is not a valid CIDR, address or hostname.
 */
export function compileAllowlist(entries: readonly string[]): Allowlist {
  const hostnames = new Set<string>();
  const ranges: [IpAddress, number][] = [];
  for (const raw of entries) {
    if (raw.trim() === '') continue;
    const entry = parseEntry(raw);
    if (entry.kind === 'hostname') hostnames.add(entry.hostname);
    else ranges.push(entry.range);
  }
  return { hostnames, ranges };
}

/**
 * True when the address falls in an allowlisted range. An IPv4-mapped IPv6 address also matches IPv4
 * ranges (and an IPv4 address matches ranges written in mapped form), because both reach the same host.
 */
export function allowlistMatchesAddress(allowlist: Allowlist, text: string): boolean {
  if (allowlist.ranges.length === 0) return false;
  const address = parseIpAddress(text);
  if (!address) return false;
  const candidates: IpAddress[] = [address];
  const embedded = mappedIPv4(address);
  if (embedded) candidates.push(embedded);
  if (address.kind() === 'ipv4') candidates.push((address as ipaddr.IPv4).toIPv4MappedAddress());
  return candidates.some((candidate) =>
    allowlist.ranges.some(([base, bits]) => base.kind() === candidate.kind() && candidate.match(base, bits)),
  );
}
