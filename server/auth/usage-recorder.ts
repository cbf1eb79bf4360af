/**
 * Remembers when secrets were last used and writes that in one batch every few seconds, so
 * `lastUsedAt` stays current without a database write per request.
 */
export interface UsageRecorder {
  touch(id: string): void;
  /** Writes what is pending now (also called on shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createUsageRecorder(
  write: (lastUse: Map<string, Date>) => Promise<void>,
  intervalMs = 10_000,
): UsageRecorder {
  let pending = new Map<string, Date>();
  let writing: Promise<void> = Promise.resolve();

  const flush = () => {
    if (pending.size === 0) return writing;
    const batch = pending;
    pending = new Map();
    writing = writing
      .then(() => write(batch))
      .catch((error) => {
        console.error('Could not record key usage:', (error as Error).message);
      });
    return writing;
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();

  return {
    touch(id) {
      pending.set(id, new Date());
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
