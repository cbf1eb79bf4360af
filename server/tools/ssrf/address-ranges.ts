import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Parses a textual IP address (IPv6 optionally in brackets) in its canonical forms only.
 * `node:net` decides what counts as an address, so the legacy spellings ipaddr.js accepts
 * (`0x7f.1`, `2130706433`) never reach the range checks unnormalized; URLs normalize those first.
 * @returns the parsed address, or null when the text is not an IPv4/IPv6 address.
 */
export function parseIpAddress(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 0) return null;
  if (family === 6 && bare.includes('.')) return ipaddr.parse(dottedTailToHex(bare));
  return ipaddr.parse(bare);
}

/**
 * Rewrites a trailing dotted quad as two hex groups (`::127.0.0.1` → `::7f00:1`). ipaddr.js reads
 * `::a.b.c.d` as the IPv4-mapped `::ffff:a.b.c.d`, while resolvers print the distinct IPv4-compatible
 * address that way (inet_ntop), so the text is normalized before it is handed over.
 */
function dottedTailToHex(address: string): string {
  const cut = address.lastIndexOf(':');
  const octets = address
    .slice(cut + 1)
    .split('.')
    .map(Number);
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return `${address.slice(0, cut + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** The IPv4 address held in the low 32 bits of an IPv6 address. */
function lowIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const parts = address.parts;
  const high = parts[6] ?? 0;
  const low = parts[7] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function ipv4Range(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : range;
}

/** True for the 64:ff9b::/96 well-known NAT64 prefix, whose gateway forwards to the embedded IPv4. */
function isWellKnownNat64(address: ipaddr.IPv6): boolean {
  const [a, b, c, d, e, f] = address.parts;
  return a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0;
}

function ipv6Range(address: ipaddr.IPv6): string | null {
  const range = address.range();
  const parts = address.parts;
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145': {
      // The kernel delivers these to the embedded IPv4 address, so they are exactly as safe as it is.
      const inner = ipv4Range(lowIPv4(address));
      return inner === null ? null : `${range}:${inner}`;
    }
    case 'rfc6052': {
      if (!isWellKnownNat64(address)) return 'rfc6052-local';
      const inner = ipv4Range(lowIPv4(address));
      return inner === null ? null : `nat64:${inner}`;
    }
    case '6to4': {
      const high = parts[1] ?? 0;
      const low = parts[2] ?? 0;
      const inner = ipv4Range(new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]));
      return inner === null ? null : `6to4:${inner}`;
    }
    case 'unicast': {
      // ipaddr.js calls everything it has no name for "unicast"; only 2000::/3 is globally routed.
      // This also rejects the deprecated IPv4-compatible form ::a.b.c.d.
      const first = parts[0] ?? 0;
      return (first & 0xe000) === 0x2000 ? null : 'notGlobalUnicast';
    }
    default:
      return range;
  }
}

/**
 * Classifies an IP address for outbound requests.
 * @returns null when the address is public (globally routed unicast), otherwise the name of the
 *   non-public range it falls in (`loopback`, `private`, `linkLocal`, `ipv4Mapped:loopback`, `invalid`…).
 */
export function nonPublicRange(text: string): string | null {
  const address = parseIpAddress(text);
  if (!address) return 'invalid';
  return address.kind() === 'ipv4' ? ipv4Range(address as ipaddr.IPv4) : ipv6Range(address as ipaddr.IPv6);
}

/**
 * The IPv4 address an IPv4-mapped or IPv4-translated IPv6 address stands for, so allowlist CIDRs
 * written in IPv4 also match the mapped spelling of the same destination.
 * @returns the embedded IPv4 address, or null for any other address.
 */
export function mappedIPv4(address: IpAddress): ipaddr.IPv4 | null {
  if (address.kind() !== 'ipv6') return null;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  return range === 'ipv4Mapped' || range === 'rfc6145' ? lowIPv4(v6) : null;
}
