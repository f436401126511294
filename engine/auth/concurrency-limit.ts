/**
 * At most `max` calls at once per key (a workspace, a caller), in this process. A slot is taken or refused
 * at once, never queued: a caller past the limit gets 429 and asks again, rather than holding a connection
 * or the event loop's attention while it waits. Per process, so N API processes allow N × max.
 */
export class ConcurrencyLimit {
  private readonly running = new Map<string, number>();

  constructor(readonly max: number) {}

  /** A release function for the slot taken, or null when `key` already has `max` running. */
  tryAcquire(key: string): (() => void) | null {
    const n = this.running.get(key) ?? 0;
    if (n >= this.max) return null;
    this.running.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(key) ?? 1) - 1;
      if (left > 0) this.running.set(key, left);
      else this.running.delete(key);
    };
  }
}
