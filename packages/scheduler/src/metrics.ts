import { Counter, Gauge, type Registry } from 'prom-client';
import type { PendingStats } from './store.js';

export interface WorkerMetrics {
  fired: Counter<'kind'>;
  failed: Counter<'kind'>;
}

/**
 * The worker's metrics on the given registry. Pending counts and the overdue age are read from the
 * database at scrape time: they are properties of the database, not of one worker, so every
 * instance reports the same values. Workers sharing a registry share the metrics.
 */
export function workerMetrics(
  registry: Registry,
  kinds: readonly string[],
  readStats: () => Promise<PendingStats>,
): WorkerMetrics {
  const registers = [registry];
  let scrape: Promise<PendingStats | undefined> | undefined;
  // Both gauges are collected in one scrape: share one read.
  const once = (): Promise<PendingStats | undefined> => {
    scrape ??= readStats()
      .catch(() => undefined)
      .finally(() => {
        setImmediate(() => (scrape = undefined));
      });
    return scrape;
  };
  // Every kind this process has reported, so a kind that drained reads 0 instead of vanishing.
  const seen = new Set(kinds);
  if (!registry.getSingleMetric('deadlines_pending'))
    new Gauge({
      name: 'deadlines_pending',
      help: 'Deadlines neither fired nor cancelled, due or not',
      labelNames: ['kind'] as const,
      registers,
      async collect() {
        const stats = await once();
        if (!stats) return;
        for (const kind of stats.pendingByKind.keys()) seen.add(kind);
        for (const kind of seen) this.set({ kind }, stats.pendingByKind.get(kind) ?? 0);
      },
    });
  if (!registry.getSingleMetric('deadlines_overdue_seconds'))
    new Gauge({
      name: 'deadlines_overdue_seconds',
      help: 'How long the oldest due but unfired deadline is past its due time (0 when none)',
      registers,
      async collect() {
        const stats = await once();
        if (stats) this.set(stats.overdueSeconds);
      },
    });
  const metrics: WorkerMetrics = {
    fired:
      (registry.getSingleMetric('deadlines_fired_total') as Counter<'kind'> | undefined) ??
      new Counter({
        name: 'deadlines_fired_total',
        help: 'Deadlines whose handler committed',
        labelNames: ['kind'] as const,
        registers,
      }),
    failed:
      (registry.getSingleMetric('deadlines_failed_total') as Counter<'kind'> | undefined) ??
      new Counter({
        name: 'deadlines_failed_total',
        help: 'Handler failures (each deadline retries with backoff)',
        labelNames: ['kind'] as const,
        registers,
      }),
  };
  // Present from the start, so an idle worker shows 0 rather than no series.
  for (const kind of kinds) {
    metrics.fired.inc({ kind }, 0);
    metrics.failed.inc({ kind }, 0);
  }
  return metrics;
}
