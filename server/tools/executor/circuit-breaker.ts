import { LruCache } from './lru-cache.ts';

/** Settings for {@link CircuitBreakers}. */
export interface CircuitBreakerSettings {
  /** Consecutive failures that open a circuit; 0 disables the breaker. */
  failureThreshold: number;
  cooldownMs: number;
  maxTrackedOrigins: number;
  now: () => number;
}

interface Circuit {
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  openedAt: number;
  trialInFlight: boolean;
}

/** Result of asking to call an origin. */
export type CircuitPermit = { allowed: true } | { allowed: false; retryInMs: number; failures: number };

/**
 * One circuit per upstream origin. Closed circuits count consecutive failures; at the threshold the
 * circuit opens and calls are refused without touching the network. After the cooldown a single trial
 * call is let through (half-open): success closes the circuit, failure re-opens it for another cooldown.
 */
export class CircuitBreakers {
  private readonly circuits: LruCache<string, Circuit>;

  constructor(private readonly settings: CircuitBreakerSettings) {
    this.circuits = new LruCache(settings.maxTrackedOrigins);
  }

  /** Asks to call `origin`; an allowed call must end in exactly one of succeeded/failed/released. */
  acquire(origin: string): CircuitPermit {
    if (this.settings.failureThreshold === 0) return { allowed: true };
    const circuit = this.circuits.get(origin);
    if (!circuit || circuit.state === 'closed') return { allowed: true };
    if (circuit.state === 'open') {
      const waited = this.settings.now() - circuit.openedAt;
      if (waited < this.settings.cooldownMs) {
        return { allowed: false, retryInMs: this.settings.cooldownMs - waited, failures: circuit.failures };
      }
      circuit.state = 'half_open';
    }
    if (circuit.trialInFlight) return { allowed: false, retryInMs: 0, failures: circuit.failures };
    circuit.trialInFlight = true;
    return { allowed: true };
  }

  /** The upstream answered in a healthy way (any status below 500). */
  succeeded(origin: string): void {
    if (this.settings.failureThreshold === 0) return;
    // Deleting is the same as a fresh closed circuit and keeps the table small.
    this.circuits.delete(origin);
  }

  /** Network error, timeout or 5xx. */
  failed(origin: string): void {
    if (this.settings.failureThreshold === 0) return;
    const circuit = this.circuits.get(origin) ?? {
      state: 'closed',
      failures: 0,
      openedAt: 0,
      trialInFlight: false,
    };
    circuit.failures += 1;
    circuit.trialInFlight = false;
    // Calls that started before the circuit opened must not extend its cooldown when they fail late.
    if (
      circuit.state === 'half_open' ||
      (circuit.state === 'closed' && circuit.failures >= this.settings.failureThreshold)
    ) {
      circuit.state = 'open';
      circuit.openedAt = this.settings.now();
    }
    this.circuits.set(origin, circuit);
  }

  /** The call ended without saying anything about upstream health (cancelled, refused by policy…). */
  released(origin: string): void {
    const circuit = this.circuits.get(origin);
    if (circuit) circuit.trialInFlight = false;
  }

  /** Current state, for diagnostics and tests. */
  stateOf(origin: string): 'closed' | 'open' | 'half_open' {
    return this.circuits.get(origin)?.state ?? 'closed';
  }
}
