export interface BackoffOptions {
  /** Delay after the first failure (default 1 s). */
  baseMs: number;
  /** Cap (default 5 min). */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 300_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so many deadlines
 * failing together (a dependency down) retry spread out, yet never immediately.
 */
export function backoffMs(attempt: number, options: BackoffOptions, random = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}
