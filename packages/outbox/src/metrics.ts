import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Backlog } from './store.js';

export interface RelayMetrics {
  published: Counter<'relay'>;
  failures: Counter<'relay'>;
  batchDuration: Histogram<'relay'>;
  active: Gauge<'relay'>;
}

/**
 * The relay's metrics on the given registry. Backlog and the oldest pending row's age are read
 * from the database at scrape time (the relay does not count rows on every round), and from any
 * instance, standby included: the backlog is a property of the database, not of the active relay.
 */
export function relayMetrics(
  registry: Registry,
  relay: string,
  readBacklog: () => Promise<Backlog>,
): RelayMetrics {
  const registers = [registry];
  const labelNames = ['relay'] as const;
  let scrape: Promise<Backlog | undefined> | undefined;
  // Both backlog gauges are collected in one scrape: share one query.
  const once = (): Promise<Backlog | undefined> => {
    scrape ??= readBacklog()
      .catch(() => undefined)
      .finally(() => {
        setImmediate(() => (scrape = undefined));
      });
    return scrape;
  };
  new Gauge({
    name: 'outbox_backlog',
    help: 'Outbox rows not yet dispatched to Kafka',
    labelNames,
    registers,
    async collect() {
      const b = await once();
      if (b) this.set({ relay }, b.pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox row not yet dispatched (0 when none)',
    labelNames,
    registers,
    async collect() {
      const b = await once();
      if (b) this.set({ relay }, b.oldestAgeSeconds);
    },
  });
  const metrics: RelayMetrics = {
    published: new Counter({
      name: 'outbox_published_total',
      help: 'Outbox messages acknowledged by Kafka',
      labelNames,
      registers,
    }),
    failures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Failed produce requests (each holds its keys back until a retry succeeds)',
      labelNames,
      registers,
    }),
    batchDuration: new Histogram({
      name: 'outbox_publish_batch_duration_seconds',
      help: 'Read, publish and mark of one relay batch',
      labelNames,
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    active: new Gauge({
      name: 'outbox_relay_active',
      help: '1 while this instance holds the relay lock and publishes, 0 on standby',
      labelNames,
      registers,
    }),
  };
  // Present from the start, so a standby shows 0 rather than no series.
  metrics.published.inc({ relay }, 0);
  metrics.failures.inc({ relay }, 0);
  metrics.active.set({ relay }, 0);
  return metrics;
}
