/**
 * `pnpm bench lifecycle`: the whole order lifecycle on this machine — four services as OS
 * processes, Kafka, Postgres and the registry all sharing two cores.
 *
 * - "orders end to end": N orders placed as fast as 64 concurrent clients can, timed until every
 *   one is confirmed (orders/s, sustained);
 * - "steady 100 orders/s": an open-loop load at 100 orders/s for 20 s; prints placed→confirmed
 *   p50/p99 (client view: request sent → OrderConfirmed on Kafka) and per-hop medians from the
 *   events' own times, so the note can say where the time goes;
 * - baseline: single-row pg insert transactions from 8 clients, the fsync-bound commit rate every
 *   step of the flow pays for (each order commits ~10 transactions across the services).
 */
import type { BenchCase, Benchmark, BenchRunOptions } from '@acme/testing/bench';
import { databaseUrl, type TestStack } from '@acme/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { serviceNames } from '../system/system.js';
import { p50p99 } from '../system/traffic.js';
import { cpuBetween, formatCpuPer, sampleCpu } from './cpu.js';
import { orderFlow } from './order-flow.js';

const orders = Number(process.env.BENCH_ORDERS ?? 2_000);
const steadyRate = Number(process.env.BENCH_RATE ?? 100);
const steadySeconds = Number(process.env.BENCH_SECONDS ?? 20);

export const lifecycleBenchmark: Benchmark = {
  description:
    'orders/s end to end (4 services as processes) and placed→confirmed latency at 100/s, with per-hop times',
  async prepare(stack: TestStack, options: BenchRunOptions) {
    const flow = await orderFlow(stack, options.profileDir ? { profileDir: options.profileDir } : {});
    const { world } = flow;

    const pool = new pg.Pool({ connectionString: databaseUrl(stack, 'orders'), max: 8 });
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_commit (id bigserial PRIMARY KEY, body text NOT NULL)',
    );

    const commitBaseline: BenchCase = {
      name: 'pg: single-row insert tx, 8 clients',
      unit: 'tx',
      async run(progress) {
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

    /** Commits and rows written per service database so far (pg_stat_database), to say where the work goes. */
    const dbWork = async () =>
      Object.fromEntries(
        await Promise.all(
          serviceNames.map(async (name) => {
            const row = (
              await sql<{ commits: string; rows: string }>`
              SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS rows
              FROM pg_stat_database WHERE datname = current_database()`.execute(world.db(name))
            ).rows[0];
            return [name, { commits: Number(row?.commits ?? 0), rows: Number(row?.rows ?? 0) }] as const;
          }),
        ),
      );

    const endToEnd: BenchCase = {
      name: 'orders end to end (64 clients, placed → confirmed)',
      unit: 'orders',
      baseline: commitBaseline.name,
      async run(progress) {
        const before = await dbWork();
        const cpuBefore = sampleCpu(flow.servicePids());
        const { ids, confirmed: ok, seconds } = await flow.endToEnd(orders, progress);
        const cpu = cpuBetween(cpuBefore, sampleCpu(flow.servicePids()));
        // Backends report to pg_stat_database up to a second late, and the services' pollers commit a
        // few empty transactions a second: both are small beside a run of this size.
        const after = await dbWork();
        const perOrder = serviceNames
          .map((name) => {
            const commits = (after[name]?.commits ?? 0) - (before[name]?.commits ?? 0);
            const rows = (after[name]?.rows ?? 0) - (before[name]?.rows ?? 0);
            return `${name} ${(commits / ids.length).toFixed(1)} tx, ${(rows / ids.length).toFixed(1)} rows`;
          })
          .join('; ');
        process.stdout.write(`    per order: ${perOrder}\n`);
        process.stdout.write(`    ${formatCpuPer(cpu, ids.length, 'order')}\n`);
        if (ok < ids.length)
          process.stdout.write(
            `    ${ids.length - ok} of ${ids.length} orders were not confirmed (timed out)\n`,
          );
        return { ops: ok, seconds };
      },
    };

    const steady: BenchCase = {
      name: `steady ${steadyRate} orders/s for ${steadySeconds} s`,
      unit: 'orders',
      baseline: commitBaseline.name,
      async run(progress) {
        const { stats, seconds } = await flow.steady(steadyRate, steadySeconds, progress);
        const e2e = p50p99(stats.latencies);
        const hops = Object.entries(stats.hops)
          .map(([hop, values]) => {
            const { p50, p99 } = p50p99(values);
            return `${hop} p50 ${p50.toFixed(0)} p99 ${p99.toFixed(0)}`;
          })
          .join('; ');
        process.stdout.write(
          `    steady: placed→confirmed p50 ${e2e.p50.toFixed(0)} ms, p99 ${e2e.p99.toFixed(0)} ms (n=${e2e.n}); hops (ms, event times): ${hops}\n`,
        );
        return { ops: stats.confirmed, seconds };
      },
    };
    return {
      cases: [commitBaseline, endToEnd, steady],
      close: async () => {
        await pool.query('DROP TABLE IF EXISTS bench_commit');
        await pool.end();
        await flow.close();
      },
    };
  },
};
