import {
  Counter,
  Histogram,
  type CounterConfiguration,
  type HistogramConfiguration,
  type Registry,
} from 'prom-client';

// Apps define their own metrics on the METRICS registry through these, without a prom-client
// dependency of their own (one prom-client in the process: the registry's).
export { Registry, type Counter, type Histogram } from 'prom-client';

type Config<C> = Omit<C, 'registers'>;

/**
 * The counter `config.name` of `registry`, registered there on first use. Idempotent per registry:
 * code that runs once per app (a provider, `createServiceApp`) may run again on the same registry
 * without prom-client's "already registered". A metric of that name and another type is an error.
 *
 * @example
 *   const placed = counter(registry, { name: 'orders_placed_total', help: 'Orders placed', labelNames: ['currency'] });
 *   placed.inc({ currency: 'EUR' });
 */
export function counter<L extends string = string>(
  registry: Registry,
  config: Config<CounterConfiguration<L>>,
): Counter<L> {
  const existing = registry.getSingleMetric<L>(config.name);
  if (existing === undefined) return new Counter({ ...config, registers: [registry] });
  if (existing instanceof Counter) return existing;
  throw new Error(`metric ${config.name} is already registered, and not as a counter`);
}

/**
 * The histogram `config.name` of `registry`, registered there on first use (idempotent per
 * registry, like `counter`).
 *
 * @example
 *   const latency = histogram(registry, { name: 'charge_seconds', help: 'Provider calls', buckets: [0.1, 1, 10] });
 *   latency.observe(0.42);
 */
export function histogram<L extends string = string>(
  registry: Registry,
  config: Config<HistogramConfiguration<L>>,
): Histogram<L> {
  const existing = registry.getSingleMetric<L>(config.name);
  if (existing === undefined) return new Histogram({ ...config, registers: [registry] });
  if (existing instanceof Histogram) return existing;
  throw new Error(`metric ${config.name} is already registered, and not as a histogram`);
}
