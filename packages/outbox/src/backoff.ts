export interface BackoffOptions {
  /** First delay (default 200 ms). */
  baseMs: number;
  /** Cap (default 30 s). */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 200, maxMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many
 * keys (or relays) spread out instead of hitting the broker in step, yet never retry immediately.
 */
export function backoffMs(attempt: number, options: BackoffOptions, random = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}
