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
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, Benchmark } from '@acme/testing/bench';
import { databaseUrl, eventually, type TestStack } from '@acme/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { orderFor } from '../system/api.js';
import { serviceNames } from '../system/system.js';
import { p50p99, Traffic } from '../system/traffic.js';
import { systemWorld, type SystemWorld } from '../system/world.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const orders = Number(process.env.BENCH_ORDERS ?? 2_000);
const steadyRate = Number(process.env.BENCH_RATE ?? 100);
const steadySeconds = Number(process.env.BENCH_SECONDS ?? 20);

export const lifecycleBenchmark: Benchmark = {
  description:
    'orders/s end to end (4 services as processes) and placed→confirmed latency at 100/s, with per-hop times',
  async prepare(stack: TestStack) {
    const missing = serviceNames.filter((name) => !existsSync(join(root, 'apps', name, 'dist', 'main.js')));
    if (missing.length > 0)
      throw new Error(`build the services first (pnpm build): no dist for ${missing.join(', ')}`);
    // Terminal orders: confirmed, or cancelled (a slow run may time some out; they still end).
    const settled = new Set<string>();
    const confirmed = new Set<string>();
    let observer: Traffic | undefined;
    const world: SystemWorld = await systemWorld(
      'bench',
      {},
      {
        stack,
        logLevel: 'warn',
        keepEvents: false,
        onEvent: (event) => {
          if (event.type === 'com.acme.order.confirmed.v1') confirmed.add(event.subject);
          if (event.type === 'com.acme.order.confirmed.v1' || event.type === 'com.acme.order.cancelled.v1')
            settled.add(event.subject);
          observer?.observe(event);
        },
      },
    );
    const skus = Array.from({ length: 20 }, (_, i) => `bench-${i}`);
    for (const sku of skus) await world.api.addStock(sku, 10_000_000);
    // Wait until the order service accepts every SKU, so no round measures catalogue catch-up.
    for (const sku of skus) await world.placeWhenKnown(orderFor(sku));

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

    const untilSettled = (ids: readonly string[], progress: (done: number, total: number) => void) =>
      eventually(
        () => {
          const done = ids.filter((id) => settled.has(id)).length;
          progress(done, ids.length);
          return Promise.resolve(done >= ids.length ? true : undefined);
        },
        { timeoutMs: 600_000, intervalMs: 250, description: `${ids.length} orders settled` },
      );

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
        const ids: string[] = [];
        const before = await dbWork();
        const started = process.hrtime.bigint();
        let next = 0;
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (next < orders) {
              next++;
              const reply = await world.api.placeOrder(orderFor(skus[next % skus.length] ?? 'bench-0'));
              if (reply.status === 201) ids.push(reply.body.orderId);
            }
          }),
        );
        await untilSettled(ids, progress);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const ok = ids.filter((id) => confirmed.has(id)).length;
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
        const traffic = new Traffic(world.api, { rate: steadyRate, mix: { tok_ok: 1 }, skus });
        observer = traffic;
        const started = process.hrtime.bigint();
        traffic.start();
        await eventually(
          () => {
            progress(traffic.stats.sent, steadyRate * steadySeconds);
            return Promise.resolve(traffic.stats.sent >= steadyRate * steadySeconds ? true : undefined);
          },
          { timeoutMs: steadySeconds * 1000 + 60_000, intervalMs: 100, description: 'the steady load' },
        );
        await traffic.stop();
        await eventually(() => Promise.resolve(traffic.open <= 0 ? true : undefined), {
          timeoutMs: 120_000,
          intervalMs: 250,
          description: 'every steady order settled',
        });
        observer = undefined;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const e2e = p50p99(traffic.stats.latencies);
        const hops = Object.entries(traffic.stats.hops)
          .map(([hop, values]) => {
            const { p50, p99 } = p50p99(values);
            return `${hop} p50 ${p50.toFixed(0)} p99 ${p99.toFixed(0)}`;
          })
          .join('; ');
        process.stdout.write(
          `    steady: placed→confirmed p50 ${e2e.p50.toFixed(0)} ms, p99 ${e2e.p99.toFixed(0)} ms (n=${e2e.n}); hops (ms, event times): ${hops}\n`,
        );
        return { ops: traffic.stats.confirmed, seconds };
      },
    };
    return {
      cases: [commitBaseline, endToEnd, steady],
      close: async () => {
        await pool.query('DROP TABLE IF EXISTS bench_commit');
        await pool.end();
        await world.close();
      },
    };
  },
};
