import type { LookupOptions } from 'node:dns';
import type { LookupFunction as NetLookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { LookupAddress, LookupFunction } from './dns.ts';
import type { SsrfPolicy } from './policy.ts';

/** Settings for {@link createGuardedConnector}. */
export interface GuardedConnectorOptions {
  policy: SsrfPolicy;
  lookup: LookupFunction;
  /** Limit for DNS resolution plus TCP (and TLS) handshake, in milliseconds. */
  connectTimeoutMs: number;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  return error;
}

/**
 * Builds an undici `connect` function that enforces the SSRF policy on the address the socket really
 * connects to. Names are resolved inside the socket's own `lookup`, and only the addresses that pass the
 * policy are handed back, so a resolver that changes its answer between a check and the connect (DNS
 * rebinding) has nothing to exploit. Literal IP hosts skip `lookup` in `node:net`, so they are checked
 * before the socket is created. Pooled keep-alive sockets stay bound to the address that was checked.
 * Refusals reach the callback as a DestinationBlockedError; this function itself does not throw.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { policy, lookup } = options;

  const usableAddresses = async (hostname: string, family: number | undefined): Promise<LookupAddress[]> => {
    const answers = await lookup(hostname);
    if (answers.length === 0) throw notFound(hostname);
    const usable = policy.selectAddresses(hostname, answers);
    if (family !== 4 && family !== 6) return usable;
    const matching = usable.filter((answer) => answer.family === family);
    if (matching.length === 0) throw notFound(hostname);
    return matching;
  };

  const guardedLookup: NetLookupFunction = (hostname, lookupOptions: LookupOptions, callback) => {
    usableAddresses(hostname, lookupOptions.family as number | undefined).then(
      (usable) => {
        if (lookupOptions.all) {
          callback(null, usable);
          return;
        }
        const first = usable[0]!;
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  const connect = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup });

  return (connectOptions, callback) => {
    try {
      policy.assertHostAllowed(connectOptions.hostname);
    } catch (error) {
      callback(error as Error, null);
      return;
    }
    connect(connectOptions, callback);
  };
}
