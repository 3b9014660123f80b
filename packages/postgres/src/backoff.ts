export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** Cap. */
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * keys (relays, deadlines) spread out instead of hitting the broker in step, yet never retry immediately.
 */
export function backoffMs(attempt: number, options: BackoffOptions, random = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}
