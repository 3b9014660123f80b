import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  /** What we were waiting for, for the failure message. */
  description?: string;
}

/**
 * Retry `probe` until it returns a value other than `undefined` (or stops throwing), then return it.
 * The way tests wait for an asynchronous effect: on a condition, with a deadline, never a fixed sleep.
 *
 * @example
 *   const trace = await eventually(async () => (await fetchTrace(id)) ?? undefined, { description: 'trace in Jaeger' });
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 200, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: last attempt failed with ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${why}`);
    }
    await delay(intervalMs);
  }
}

/**
 * Settle with `work`, or reject once `ms` have passed — for one awaited event that has no probe to
 * poll (a consumer reaching a count), so a hang becomes a clear failure.
 *
 * @example
 *   await withDeadline(allConsumed, 60_000, 'consuming 1000 messages');
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
