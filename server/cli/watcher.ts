import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.ts';

export interface WatchOptions {
  intervalMs: number;
  /** Aborted to stop (Ctrl+C): the loop ends after the current step, without an error. */
  signal: AbortSignal;
  /** One poll; `first` is true for the first, whose failures end the watch. */
  poll(first: boolean): Promise<void>;
  /** Reports a failure the next poll may not have (server restarting, network down). */
  warn(message: string): void;
}

/**
 * Polls until stopped. The first poll must succeed (a wrong key or gateway should fail at once); later
 * ones that fail for passing reasons are reported once and retried, while lasting ones (credentials
 * revoked, gateway deleted) end the watch with their error.
 */
export async function watchLoop(options: WatchOptions): Promise<void> {
  let first = true;
  let lastWarning: string | null = null;
  while (!options.signal.aborted) {
    try {
      await options.poll(first);
      lastWarning = null;
    } catch (error) {
      if (options.signal.aborted) break;
      if (first || !(error instanceof CliError) || error.lasting) throw error;
      if (error.message !== lastWarning) options.warn(error.message);
      lastWarning = error.message;
    }
    first = false;
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => {});
  }
}
