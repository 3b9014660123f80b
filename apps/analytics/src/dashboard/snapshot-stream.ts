import {
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  exhaustMap,
  shareReplay,
  timer,
  type Observable,
} from 'rxjs';

export interface SnapshotStreamOptions<T> {
  /** How often to look while anyone listens. */
  intervalMs: number;
  /** What counts as a change: snapshots with equal keys are not sent again. */
  key: (snapshot: T) => string;
  /** A failed load skips one look (the next may succeed: database restarting, generation switch). */
  onError: (error: unknown) => void;
}

/**
 * Loads at once, then every `intervalMs`, and emits a snapshot whenever it differs from the last
 * one emitted. Shared: any number of listeners cost one load per interval; a new listener gets the
 * latest snapshot at once. The timer runs only while someone listens — the last unsubscribe stops
 * it, and the next subscriber starts afresh. A load still running when the next tick comes makes
 * that tick skip (never two loads at once).
 *
 * @example
 *   const snapshots = snapshotStream(() => loadSnapshot(readModel, new Date()), { intervalMs: 1000, key, onError });
 */
export function snapshotStream<T>(load: () => Promise<T>, options: SnapshotStreamOptions<T>): Observable<T> {
  return timer(0, options.intervalMs).pipe(
    exhaustMap(() =>
      defer(load).pipe(
        catchError((error: unknown) => {
          options.onError(error);
          return EMPTY;
        }),
      ),
    ),
    distinctUntilChanged((a, b) => a === b, options.key),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
}
