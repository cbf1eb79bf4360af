export { nonPublicRange, parseIpAddress } from './address-ranges.ts';
export {
  type Allowlist,
  allowlistMatchesAddress,
  compileAllowlist,
  parseAllowedUpstreams,
} from './allowlist.ts';
export { type LookupAddress, type LookupFunction, systemLookup } from './dns.ts';
export { type BlockReason, DestinationBlockedError, findDestinationBlocked } from './errors.ts';
export { createGuardedConnector, type GuardedConnectorOptions } from './guarded-connector.ts';
export { isMetadataHostname, normalizeHostname } from './hostnames.ts';
export { createSsrfPolicy, type SsrfPolicy } from './policy.ts';
