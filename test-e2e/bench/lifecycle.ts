/**
 * `pnpm bench lifecycle`: the whole order lifecycle on this machine — the five services as OS
 * processes with telemetry on as shipped, Kafka, Postgres, the registry, Jaeger and this load
 * generator all sharing the same cores.
 *
 * - baseline: single-row pg insert transactions from 8 clients, the fsync-bound commit rate every
 *   step of the flow pays for;
 * - "orders end to end": BENCH_ORDERS orders with a mix of payment outcomes (BENCH_MIX, as the
 *   demo's: ok, decline, async by webhook, provider timeout) placed as fast as 64 concurrent
 *   clients can, timed until every one is terminal (confirmed or cancelled): orders/s sustained,
 *   with the committed transactions and rows per order in each service's database and the CPU
 *   milliseconds per order of every process (from /proc: where the time goes);
 * - "steady": open-loop loads of BENCH_RATES orders/s (default 30 and 100) for BENCH_SECONDS s
 *   each, and an idle system (2 orders/s): placed→confirmed p50/p99 (client view: request sent →
 *   OrderConfirmed on Kafka) and per-hop medians from the events' own times.
 *
 * BENCH_OTEL=off runs the services with the OpenTelemetry SDK off, BENCH_OTEL=both runs both
 * systems side by side, every case once for each (`pnpm bench tracing` is the focused version).
 * `--profile` has every service write a CPU profile (see bench/profile-summary.ts).
 */
import type { BenchCase, Benchmark, BenchRunOptions } from '@acme/testing/bench';
import { databaseUrl, type TestStack } from '@acme/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { serviceNames } from '../system/system.js';
import { p50p99, parseMix } from '../system/traffic.js';
import { cpuBetween, formatCpuPer, sampleCpu } from './cpu.js';
import { orderFlow, untilQuiet, type OrderFlow } from './order-flow.js';

const orders = Number(process.env.BENCH_ORDERS ?? 2_000);
const mixText = process.env.BENCH_MIX ?? 'ok=85,decline=8,async=5,timeout=2';
const steadyRates = (process.env.BENCH_RATES ?? '30,100')
  .split(',')
  .map(Number)
  .filter((rate) => rate > 0);
const steadySeconds = Number(process.env.BENCH_SECONDS ?? 20);
const idleRate = 2;
const idleSeconds = 10;
const otel = process.env.BENCH_OTEL ?? 'on';
if (!['on', 'off', 'both'].includes(otel)) throw new Error(`BENCH_OTEL must be on, off or both, not ${otel}`);
const modes = (otel === 'both' ? ['on', 'off'] : [otel]) as ('on' | 'off')[];

const baselineName = 'pg: single-row insert tx, 8 clients';

export const lifecycleBenchmark: Benchmark = {
  description: `orders/s end to end (5 services as processes, telemetry ${otel}), placed→confirmed at ${steadyRates.join(' and ')} orders/s and idle, per-hop times, commits and CPU per order`,
  async prepare(stack: TestStack, options: BenchRunOptions) {
    const flows = new Map<'on' | 'off', OrderFlow>();
    const closeAll = () => Promise.allSettled([...flows.values()].map((flow) => flow.close()));
    try {
      // One after the other: ten services starting at once on two cores would race their deadlines.
      for (const mode of modes)
        flows.set(
          mode,
          await orderFlow(stack, {
            label: `bench-lifecycle-otel-${mode}`,
            serviceEnv: Object.fromEntries(
              serviceNames.map((name) => [name, { OTEL_SDK_DISABLED: mode === 'off' ? 'true' : 'false' }]),
            ),
            ...(options.profileDir ? { profileDir: `${options.profileDir}/otel-${mode}` } : {}),
          }),
        );
    } catch (error) {
      await closeAll();
      throw error;
    }
    const all = [...flows.values()];
    /** Idle services before every run (all systems: an idle one shares the cores too). */
    const quiet = async () => {
      const { cores, quiet: ok } = await untilQuiet(all);
      if (!ok) log(`    (services still busy, ${cores.toFixed(2)} cores after 30 s; measuring anyway)`);
    };

    const pool = new pg.Pool({ connectionString: databaseUrl(stack, 'orders'), max: 8 });
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, body text NOT NULL)',
    );
    const commitBaseline: BenchCase = {
      name: baselineName,
      unit: 'tx',
      async run(progress) {
        await quiet();
        const total = 8_000;
        let done = 0;
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (done < total) {
              done++;
              await pool.query('INSERT INTO bench_commit (body) VALUES ($1)', ['x'.repeat(400)]);
              progress(done, total);
            }
          }),
        );
        return { ops: total, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
      },
    };

    const label = (mode: 'on' | 'off') => (modes.length > 1 ? `, otel ${mode}` : '');
    const mix = parseMix(mixText);

    const endToEnd = (mode: 'on' | 'off', flow: OrderFlow): BenchCase => ({
      name: `orders end to end, mixed outcomes (64 clients, placed → terminal)${label(mode)}`,
      unit: 'orders',
      baseline: baselineName,
      async run(progress) {
        await quiet();
        const before = await dbWork(flow);
        const cpuBefore = sampleCpu(flow.servicePids());
        const { ids, seconds } = await flow.endToEnd(orders, progress, 64, mix);
        // What the orders cost includes the work that trails their outcome (e-mails, the read
        // model): counted once the services are idle again, not when the last order settled.
        await untilQuiet(all, { timeoutMs: 60_000 });
        const cpu = cpuBetween(cpuBefore, sampleCpu(flow.servicePids()));
        // Backends report to pg_stat_database up to a second late, and the services' pollers commit a
        // few empty transactions a second: both are small beside a run of this size.
        const after = await dbWork(flow);
        let commits = 0;
        const perOrder = serviceNames
          .map((name) => {
            const tx = (after[name]?.commits ?? 0) - (before[name]?.commits ?? 0);
            const rows = (after[name]?.rows ?? 0) - (before[name]?.rows ?? 0);
            commits += tx;
            return `${name} ${(tx / ids.length).toFixed(1)} tx, ${(rows / ids.length).toFixed(1)} rows`;
          })
          .join('; ');
        log(`    per order: ${(commits / ids.length).toFixed(1)} tx in all; ${perOrder}`);
        log(`    ${formatCpuPer(cpu, ids.length, 'order')} (until the services were idle again)`);
        return { ops: ids.length, seconds };
      },
    });

    const steady = (
      mode: 'on' | 'off',
      flow: OrderFlow,
      rate: number,
      seconds: number,
      name: string,
    ): BenchCase => ({
      name: `${name}${label(mode)}`,
      unit: 'orders',
      baseline: baselineName,
      async run(progress) {
        await quiet();
        const { stats, seconds: took } = await flow.steady(rate, seconds, progress);
        const e2e = p50p99(stats.latencies);
        const hops = Object.entries(stats.hops)
          .map(([hop, values]) => {
            const { p50, p99 } = p50p99(values);
            return `${hop} p50 ${p50.toFixed(0)} p99 ${p99.toFixed(0)}`;
          })
          .join('; ');
        log(
          `    at ${rate}/s: placed→confirmed p50 ${e2e.p50.toFixed(0)} ms, p99 ${e2e.p99.toFixed(0)} ms (n=${e2e.n}, ${stats.confirmed} of ${stats.sent} confirmed); hops (ms, event times): ${hops}`,
        );
        return { ops: stats.confirmed, seconds: took };
      },
    });

    const cases = [
      commitBaseline,
      ...[...flows].flatMap(([mode, flow]) => [
        endToEnd(mode, flow),
        ...steadyRates.map((rate) =>
          steady(mode, flow, rate, steadySeconds, `steady ${rate} orders/s for ${steadySeconds} s (tok_ok)`),
        ),
        steady(mode, flow, idleRate, idleSeconds, `idle: ${idleRate} orders/s for ${idleSeconds} s (tok_ok)`),
      ]),
    ];
    return {
      cases,
      close: async () => {
        await pool.query('DROP TABLE IF EXISTS bench_commit');
        await pool.end();
        await closeAll();
      },
    };
  },
};

/** Commits and rows written per service database so far (pg_stat_database), to say where the work goes. */
async function dbWork(flow: OrderFlow): Promise<Record<string, { commits: number; rows: number }>> {
  return Object.fromEntries(
    await Promise.all(
      serviceNames.map(async (name) => {
        const row = (
          await sql<{ commits: string; rows: string }>`
          SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows
          FROM pg_stat_database WHERE datname = current_database()`.execute(flow.world.db(name))
        ).rows[0];
        return [name, { commits: Number(row?.commits ?? 0), rows: Number(row?.rows ?? 0) }] as const;
      }),
    ),
  );
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
