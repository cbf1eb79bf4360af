import { isIP } from 'node:net';
import { nonPublicRange } from './address-ranges.ts';
import { type Allowlist, allowlistMatchesAddress, compileAllowlist } from './allowlist.ts';
import type { LookupAddress } from './dns.ts';
import { type BlockReason, DestinationBlockedError } from './errors.ts';
import { isMetadataHostname, normalizeHostname } from './hostnames.ts';

type Refusal = { name: string; reason: BlockReason };

const MAX_REMEMBERED_HOSTS = 4_096;

/** Decides which outbound destinations the server may contact on behalf of tools. */
export interface SsrfPolicy {
  readonly allowlist: Allowlist;
  /**
   * Rejects a URL before any connection is made: scheme other than http/https, embedded credentials,
   * metadata hostnames and literal non-public IP hosts. Names are checked again at connect time.
   * @throws DestinationBlockedError
   */
  assertUrlAllowed(url: URL): void;
  /**
   * Rejects a host (name or literal address) before DNS resolution.
   * @throws DestinationBlockedError
   */
  assertHostAllowed(hostname: string): void;
  /** True when the operator listed this exact hostname, which exempts its addresses from checks. */
  isHostnameAllowlisted(hostname: string): boolean;
  /** True when an IP address is public or inside an allowlisted range. */
  isAddressAllowed(address: string): boolean;
  /**
   * Keeps the resolved addresses a connection may use. Mixed answers keep only the allowed addresses,
   * so the socket can only ever reach an address that passed the check.
   * @throws DestinationBlockedError when no address is allowed.
   */
  selectAddresses(hostname: string, addresses: readonly LookupAddress[]): LookupAddress[];
}

/**
 * Builds the SSRF policy from the operator allowlist (CIDRs such as `127.0.0.0/8` or `::1/128`, IP
 * addresses and exact hostnames). Without an allowlist only public unicast addresses are reachable.
 * @throws Error naming an allowlist entry that is not a CIDR, address or hostname.
 */
export function createSsrfPolicy(allowedUpstreams: readonly string[] = []): SsrfPolicy {
  const allowlist = compileAllowlist(allowedUpstreams);

  const isHostnameAllowlisted = (hostname: string): boolean =>
    allowlist.hostnames.has(normalizeHostname(hostname));

  const isAddressAllowed = (address: string): boolean =>
    allowlistMatchesAddress(allowlist, address) || nonPublicRange(address) === null;

  const hostVerdict = (hostname: string): Refusal | null => {
    const name = normalizeHostname(hostname);
    if (allowlist.hostnames.has(name)) return null;
    if (isIP(name) !== 0) return isAddressAllowed(name) ? null : { name, reason: 'non_public_address' };
    return isMetadataHostname(name) ? { name, reason: 'metadata_host' } : null;
  };

  // Every call checks its host at least twice (before credentials, then per hop); the verdict only depends
  // on the fixed allowlist, so it is remembered instead of re-parsing addresses each time.
  const verdicts = new Map<string, Refusal | null>();
  const assertHostAllowed = (hostname: string): void => {
    let verdict = verdicts.get(hostname);
    if (verdict === undefined) {
      verdict = hostVerdict(hostname);
      if (verdicts.size >= MAX_REMEMBERED_HOSTS) verdicts.clear();
      verdicts.set(hostname, verdict);
    }
    if (verdict) throw new DestinationBlockedError(verdict.name, verdict.reason);
  };

  return {
    allowlist,
    isHostnameAllowlisted,
    isAddressAllowed,
    assertHostAllowed,
    assertUrlAllowed(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new DestinationBlockedError(url.hostname, 'scheme', url.protocol);
      }
      if (url.username || url.password) throw new DestinationBlockedError(url.hostname, 'userinfo');
      assertHostAllowed(url.hostname);
    },
    selectAddresses(hostname, addresses) {
      const usable: LookupAddress[] = [];
      const exempt = isHostnameAllowlisted(hostname);
      for (const { address } of addresses) {
        // The family is recomputed: an injected resolver's claim is not trusted.
        const family = isIP(address);
        if (family === 0) continue;
        if (exempt || isAddressAllowed(address)) usable.push({ address, family });
      }
      if (usable.length === 0)
        throw new DestinationBlockedError(normalizeHostname(hostname), 'non_public_address');
      return usable;
    },
  };
}
