import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const messageOutcomes = ['handled', 'duplicate', 'skipped', 'dead_lettered'] as const;
export type Outcome = (typeof messageOutcomes)[number];

export interface ConsumerMetrics {
  messages: Counter<'group' | 'type' | 'outcome'>;
  retries: Counter<'group' | 'type'>;
  handlerDuration: Histogram<'group' | 'type'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
  /** How to read a group's DLQ depth at scrape time (each consumer adds its own). */
  depthSources: Map<string, () => Promise<number>>;
}

const registered = new WeakMap<Registry, ConsumerMetrics>();

/**
 * The runtime's metrics on a registry, shared by every consumer group of the process (the group is
 * a label). DLQ depth is read from the dead-letter index at scrape time.
 */
export function consumerMetrics(registry: Registry): ConsumerMetrics {
  const existing = registered.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const depthSources = new Map<string, () => Promise<number>>();
  new Gauge({
    name: 'messaging_dlq_depth',
    help: 'Dead-lettered messages parked (not yet replayed) per consumer group',
    labelNames: ['group'],
    registers,
    async collect() {
      await Promise.all(
        [...depthSources].map(async ([group, read]) => {
          // A failed read leaves the last value rather than a false zero.
          const depth = await read().catch(() => undefined);
          if (depth !== undefined) this.set({ group }, depth);
        }),
      );
    },
  });
  const metrics: ConsumerMetrics = {
    messages: new Counter({
      name: 'messaging_messages_total',
      help: 'Consumed messages by outcome: handled, duplicate (inbox hit, skipped), skipped (no handler or filtered out), dead_lettered',
      labelNames: ['group', 'type', 'outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'messaging_retries_total',
      help: 'Retries of a message after a retriable failure',
      labelNames: ['group', 'type'],
      registers,
    }),
    handlerDuration: new Histogram({
      name: 'messaging_handler_duration_seconds',
      help: 'Handler plus inbox transaction, per message (a batch transaction counts once per message)',
      labelNames: ['group', 'type'],
      registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    lag: new Gauge({
      name: 'messaging_consumer_lag',
      help: 'Messages behind the partition end after the last fetched batch',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    }),
    depthSources,
  };
  registered.set(registry, metrics);
  return metrics;
}
