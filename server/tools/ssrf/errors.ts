/** Why a destination was refused; lets callers tell policy refusals apart without parsing messages. */
export type BlockReason = 'non_public_address' | 'metadata_host' | 'scheme' | 'userinfo';

const ALLOW_HINT = 'operators can allow it with ALLOWED_UPSTREAM_HOSTS';

/**
 * Thrown (or passed to socket callbacks) when the SSRF policy refuses a destination. The message never
 * names the resolved address: it would let tool authors map the internal network through DNS.
 */
export class DestinationBlockedError extends Error {
  override readonly name = 'DestinationBlockedError';
  readonly code = 'DESTINATION_BLOCKED';

  constructor(
    readonly hostname: string,
    readonly reason: BlockReason,
    detail?: string,
  ) {
    super(DestinationBlockedError.describe(hostname, reason, detail));
  }

  private static describe(hostname: string, reason: BlockReason, detail?: string): string {
    switch (reason) {
      case 'scheme':
        return `Only http: and https: URLs may be requested, not ${detail ?? 'this scheme'}`;
      case 'userinfo':
        return 'URLs with embedded user names or passwords may not be requested';
      case 'metadata_host':
        return `Destination '${hostname}' is a cloud metadata service, which resolves to a non-public address; ${ALLOW_HINT}`;
      case 'non_public_address':
        return `Destination '${hostname}' resolves to a non-public address; ${ALLOW_HINT}`;
    }
  }
}

/**
 * Finds a DestinationBlockedError in an error or its `cause` chain (HTTP clients wrap connect errors).
 * @returns the policy error, or null when the failure had another origin.
 */
export function findDestinationBlocked(error: unknown): DestinationBlockedError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof DestinationBlockedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
