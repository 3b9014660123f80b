/**
 * `pnpm bench tracing`: what tracing costs the whole system — the same order flow as
 * `pnpm bench lifecycle`, on two systems started side by side in one run, one with every service's
 * OpenTelemetry SDK off (`OTEL_SDK_DISABLED=true`, the baseline) and one with it on (spans to the
 * stack's Jaeger). The harness alternates them every round (off, on, off, on …), so the noise of a
 * shared machine falls on both, and each run first waits until both systems' services are idle,
 * so none pays for the work its predecessor left behind.
 *
 * - "orders end to end": BENCH_ORDERS orders placed as fast as 64 concurrent clients can, timed
 *   until every one is terminal; the table gives the medians and on/off;
 * - "steady": an open-loop BENCH_RATE orders/s for BENCH_SECONDS s (BENCH_RATE=0 leaves it out);
 *   placed→confirmed p50/p99, medians of the rounds and on/off, printed after the table.
 *
 * Rounds are the harness's `--rounds` (default 5; with the defaults here, about 5 minutes on this
 * 2-core machine: ~30 s to start both systems, ~55 s a round). Before measuring, the spans of the
 * "on" system must reach Jaeger and the "off" system must have sent none, or the comparison would
 * be void.
 */
import { median, type BenchCase, type Benchmark } from '@acme/testing/bench';
import { eventually, type TestStack } from '@acme/testing';
import { serviceNames } from '../system/system.js';
import { p50p99 } from '../system/traffic.js';
import { orderFlow, requireBuiltServices, untilQuiet, type OrderFlow } from './order-flow.js';

const orders = Number(process.env.BENCH_ORDERS ?? 300);
const steadyRate = Number(process.env.BENCH_RATE ?? 15);
const steadySeconds = Number(process.env.BENCH_SECONDS ?? 8);

const modes = ['off', 'on'] as const;
type Mode = (typeof modes)[number];

export const tracingBenchmark: Benchmark = {
  description: `tracing overhead: orders/s end to end and placed→confirmed p50/p99 at ${steadyRate}/s, OpenTelemetry off vs on, rounds alternating`,
  async prepare(stack: TestStack) {
    requireBuiltServices();
    const since = Date.now();
    const started: OrderFlow[] = [];
    const closeAll = () => Promise.allSettled(started.map((flow) => flow.close()));
    const start = async (mode: Mode) => {
      log(`starting the system with tracing ${mode}…`);
      const env = { OTEL_SDK_DISABLED: mode === 'off' ? 'true' : 'false' };
      const flow = await orderFlow(stack, {
        label: `bench-tracing-${mode}`,
        serviceEnv: Object.fromEntries(serviceNames.map((name) => [name, env])),
      });
      started.push(flow);
      return flow;
    };
    let flows: Record<Mode, OrderFlow>;
    try {
      // One after the other: ten services starting at once on two cores would race their deadlines.
      flows = { off: await start('off'), on: await start('on') };
      await checkExports(stack, flows, since);
    } catch (error) {
      await closeAll();
      throw error;
    }
    const flow = (mode: Mode) => flows[mode];

    /** Idle services before every run (both systems: the idle one shares the cores too). */
    const quiet = async () => {
      const { cores, quiet: ok } = await untilQuiet(started);
      if (!ok) log(`  (services still busy, ${cores.toFixed(2)} cores after 30 s; measuring anyway)`);
    };

    const endToEnd = (mode: Mode): BenchCase => ({
      name: `orders end to end, tracing ${mode}`,
      unit: 'orders',
      ...(mode === 'on' ? { baseline: 'orders end to end, tracing off' } : {}),
      async run(progress) {
        await quiet();
        const { ids, confirmed, seconds } = await flow(mode).endToEnd(orders, progress);
        if (confirmed < ids.length)
          log(
            `    ${mode}: ${ids.length - confirmed} of ${ids.length} orders were not confirmed (timed out)`,
          );
        return { ops: confirmed, seconds };
      },
    });

    const latencies: Record<Mode, { p50: number[]; p99: number[] }> = {
      off: { p50: [], p99: [] },
      on: { p50: [], p99: [] },
    };
    const steadyName = (mode: Mode) =>
      `steady ${steadyRate} orders/s for ${steadySeconds} s, tracing ${mode}`;
    const steady = (mode: Mode): BenchCase => ({
      name: steadyName(mode),
      unit: 'orders',
      ...(mode === 'on' ? { baseline: steadyName('off') } : {}),
      async run(progress) {
        await quiet();
        const { stats, seconds } = await flow(mode).steady(steadyRate, steadySeconds, progress);
        const { p50, p99, n } = p50p99(stats.latencies);
        latencies[mode].p50.push(p50);
        latencies[mode].p99.push(p99);
        log(`    ${mode}: placed→confirmed p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (n=${n})`);
        return { ops: stats.confirmed, seconds };
      },
    });

    return {
      cases: [...modes.map(endToEnd), ...(steadyRate > 0 ? modes.map(steady) : [])],
      close: async () => {
        // The harness has printed its table of rates by now; the latencies follow it.
        if (latencies.off.p50.length > 0 && latencies.on.p50.length > 0) log(`\n${latencyTable(latencies)}`);
        await closeAll();
      },
    };
  },
};

/** Medians of the rounds' p50 and p99, off and on, and on/off. */
function latencyTable(latencies: Record<Mode, { p50: number[]; p99: number[] }>): string {
  const rows = (['p50', 'p99'] as const).map((p) => {
    const off = median(latencies.off[p]);
    const on = median(latencies.on[p]);
    return [
      `placed→confirmed ${p}`,
      `${off.toFixed(0)} ms`,
      `${on.toFixed(0)} ms`,
      `${(on / off).toFixed(2)}×`,
    ];
  });
  const header = [
    `at ${steadyRate} orders/s (medians of ${latencies.off.p50.length} rounds)`,
    'off',
    'on',
    'on/off',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The "on" system's spans reach Jaeger and the "off" system's do not: traces of the order service
 * searched by its process id (a resource attribute the SDK adds) since the bench started.
 */
async function checkExports(stack: TestStack, flows: Record<Mode, OrderFlow>, since: number): Promise<void> {
  const traces = async (flow: OrderFlow) => {
    const params = new URLSearchParams({
      service: 'order',
      start: String(since * 1000),
      end: String(Date.now() * 1000),
      limit: '1',
      tags: JSON.stringify({ 'process.pid': String(flow.world.system.services.order.pid) }),
    });
    const res = await fetch(`${stack.jaegerQueryUrl}/api/traces?${params.toString()}`);
    if (!res.ok) throw new Error(`Jaeger at ${stack.jaegerQueryUrl} answered ${res.status}`);
    return ((await res.json()) as { data?: unknown[] }).data?.length ?? 0;
  };
  // The SDK exports in batches every few seconds; seeding placed an order per SKU on each system.
  await eventually(async () => ((await traces(flows.on)) > 0 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 1000,
    description: `traces of the tracing-on system in Jaeger (${stack.jaegerQueryUrl})`,
  });
  if ((await traces(flows.off)) > 0)
    throw new Error('the system with OTEL_SDK_DISABLED=true sent traces to Jaeger: tracing is not off');
  log('tracing on: spans reach Jaeger; tracing off: none');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
