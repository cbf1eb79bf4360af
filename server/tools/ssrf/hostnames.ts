/**
 * Names of cloud instance-metadata services. They hand out instance credentials, so they are refused by
 * name even before DNS is asked (an injected or split-horizon resolver might not map them to 169.254.x).
 */
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

/**
 * Lower-cases a hostname and removes IPv6 brackets and trailing dots (`Metadata.Google.Internal.` and
 * `metadata.google.internal` are the same DNS name).
 */
export function normalizeHostname(hostname: string): string {
  let name = hostname.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  while (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}

/** True when the (normalized) hostname names a cloud metadata service. */
export function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(normalizeHostname(hostname));
}
