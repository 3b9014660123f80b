import { backoffMs, type BackoffOptions } from '@acme/postgres';
import type { HeldKeys } from './store.js';

interface Hold {
  topic: string;
  key: string;
  attempts: number;
  retryAt: number;
}

/**
 * Keys whose last send failed, each waiting out its own exponential backoff. While held, none of a
 * key's rows is read, so its later messages cannot overtake the failed one; other keys go on.
 * Lives in memory: only the active relay needs it, and a relay taking over simply retries at once.
 */
export class KeyHolds {
  private readonly holds = new Map<string, Hold>();

  constructor(private readonly backoff: BackoffOptions) {}

  /**
   * Whether a hold has ended and its key has not gone out since: that key's rows wait behind
   * whatever was read after them, so the next read starts from the first pending row.
   */
  anyDue(now: number): boolean {
    for (const hold of this.holds.values()) if (hold.retryAt <= now) return true;
    return false;
  }

  fail(topic: string, key: string, now: number): number {
    const id = keyId(topic, key);
    const attempts = (this.holds.get(id)?.attempts ?? 0) + 1;
    const retryAt = now + backoffMs(attempts, this.backoff);
    this.holds.set(id, { topic, key, attempts, retryAt });
    return attempts;
  }

  succeed(topic: string, key: string): void {
    // Called for every row sent: nothing to build a key for while nothing is held.
    if (this.holds.size > 0) this.holds.delete(keyId(topic, key));
  }

  /** Keys still waiting at `now`; forgets holds that expired long ago and were never retried. */
  held(now: number): HeldKeys {
    const result: HeldKeys = { topics: [], keys: [] };
    for (const [id, hold] of this.holds) {
      if (hold.retryAt > now) {
        result.topics.push(hold.topic);
        result.keys.push(hold.key);
      } else if (hold.retryAt < now - 2 * this.backoff.maxMs) this.holds.delete(id);
    }
    return result;
  }

  /** When the earliest hold ends, so an idle relay wakes up for it. */
  nextRetryAt(now: number): number | undefined {
    let next: number | undefined;
    for (const hold of this.holds.values()) {
      if (hold.retryAt > now && (next === undefined || hold.retryAt < next)) next = hold.retryAt;
    }
    return next;
  }
}

export function keyId(topic: string, key: string): string {
  return `${topic}\u0000${key}`;
}
