/**
 * The order flow under load, for the benchmarks that run the whole system (`lifecycle`, `tracing`):
 * a system world seeded with stock, the measured runs — N orders from concurrent clients until every
 * one is terminal, an open-loop steady rate with its placed→confirmed latencies — and a wait for
 * the services to go quiet between runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, type TestStack } from '@acme/testing';
import { orderFor } from '../system/api.js';
import { freePort } from '../system/service-process.js';
import { serviceNames, type ServiceName } from '../system/system.js';
import { pickToken, Traffic, type TokenMix, type TrafficStats } from '../system/traffic.js';
import { systemWorld, type SystemWorld } from '../system/world.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Progress = (done: number, total: number) => void;

export interface OrderFlow {
  world: SystemWorld;
  /** The seeded SKUs (stock for millions of orders; the order service already knows them). */
  skus: readonly string[];
  /**
   * `orders` placed as fast as `clients` concurrent clients can, timed until every accepted one is
   * confirmed or cancelled; `confirmed` of the accepted `ids` were confirmed.
   */
  endToEnd(
    orders: number,
    progress: Progress,
    clients?: number,
    mix?: TokenMix,
  ): Promise<{ ids: string[]; confirmed: number; seconds: number }>;
  /** An open-loop load of `rate` orders/s for `seconds`, timed until every order has settled. */
  steady(
    rate: number,
    seconds: number,
    progress: Progress,
  ): Promise<{ stats: TrafficStats; seconds: number }>;
  /** CPU seconds the service processes have used so far (Linux /proc; 0 elsewhere). */
  cpuSeconds(): number;
  /** The services' process ids, by service name (for `sampleCpu`). */
  servicePids(): Map<number, string>;
  close(): Promise<void>;
}

/** Throws unless every service has its built `dist/main.js` (the system runs the built output). */
export function requireBuiltServices(): void {
  const missing = serviceNames.filter((name) => !existsSync(join(root, 'apps', name, 'dist', 'main.js')));
  if (missing.length > 0)
    throw new Error(`build the services first (pnpm build): no dist for ${missing.join(', ')}`);
}

/** The system as OS processes (logs under `label`), `serviceEnv` added to each service's environment. */
export async function orderFlow(
  stack: TestStack,
  options: {
    label?: string;
    serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
    /** Each service writes a V8 CPU profile (`--cpu-prof`) into `<profileDir>/<service>/` when it stops. */
    profileDir?: string;
  } = {},
): Promise<OrderFlow> {
  requireBuiltServices();
  // Terminal orders: confirmed, or cancelled (a slow run may time some out; they still end).
  const settled = new Set<string>();
  const confirmed = new Set<string>();
  let observer: Traffic | undefined;
  // The provider simulator settles asynchronous payments (tok_async) by signed webhook, as in the
  // demo; without it they would only end at the order deadline.
  const paymentPort = await freePort();
  const serviceEnv = {
    ...options.serviceEnv,
    payment: {
      PAYMENT_SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${paymentPort}/webhooks/provider`,
      ...options.serviceEnv?.payment,
    },
  };
  const world = await systemWorld(options.label ?? 'bench', serviceEnv, {
    ports: { payment: paymentPort },
    stack,
    logLevel: 'warn',
    keepEvents: false,
    ...(options.profileDir ? { nodeArgs: profilingArgs(options.profileDir) } : {}),
    onEvent: (event) => {
      if (event.type === 'com.acme.order.confirmed.v1') confirmed.add(event.subject);
      if (event.type === 'com.acme.order.confirmed.v1' || event.type === 'com.acme.order.cancelled.v1')
        settled.add(event.subject);
      observer?.observe(event);
    },
  });
  const skus = Array.from({ length: 20 }, (_, i) => `bench-${i}`);
  try {
    for (const sku of skus) await world.api.addStock(sku, 10_000_000);
    // Wait until the order service accepts every SKU, so no run measures catalogue catch-up.
    for (const sku of skus) await world.placeWhenKnown(orderFor(sku));
  } catch (error) {
    await world.close();
    throw error;
  }

  const untilSettled = (ids: readonly string[], progress: Progress) =>
    eventually(
      () => {
        const done = ids.filter((id) => settled.has(id)).length;
        progress(done, ids.length);
        return Promise.resolve(done >= ids.length ? true : undefined);
      },
      { timeoutMs: 600_000, intervalMs: 250, description: `${ids.length} orders settled` },
    );

  return {
    world,
    skus,
    async endToEnd(orders, progress, clients = 64, mix = { tok_ok: 1 }) {
      const ids: string[] = [];
      const started = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (next < orders) {
            next++;
            const reply = await world.api.placeOrder(
              orderFor(skus[next % skus.length] ?? 'bench-0', pickToken(mix)),
            );
            if (reply.status === 201) ids.push(reply.body.orderId);
          }
        }),
      );
      await untilSettled(ids, progress);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { ids, confirmed: ids.filter((id) => confirmed.has(id)).length, seconds };
    },
    async steady(rate, seconds, progress) {
      const traffic = new Traffic(world.api, { rate, mix: { tok_ok: 1 }, skus });
      observer = traffic;
      const started = process.hrtime.bigint();
      try {
        traffic.start();
        await eventually(
          () => {
            progress(traffic.stats.sent, rate * seconds);
            return Promise.resolve(traffic.stats.sent >= rate * seconds ? true : undefined);
          },
          { timeoutMs: seconds * 1000 + 60_000, intervalMs: 100, description: 'the steady load' },
        );
        await traffic.stop();
        await eventually(() => Promise.resolve(traffic.open <= 0 ? true : undefined), {
          timeoutMs: 120_000,
          intervalMs: 250,
          description: 'every steady order settled',
        });
      } finally {
        await traffic.stop();
        observer = undefined;
      }
      return { stats: traffic.stats, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
    servicePids: () =>
      new Map(
        serviceNames.flatMap((name) => {
          const pid = world.system.services[name].pid;
          return pid === undefined ? [] : [[pid, name] as const];
        }),
      ),
    cpuSeconds: () =>
      serviceNames.reduce((sum, name) => sum + processCpuSeconds(world.system.services[name].pid), 0),
    close: () => world.close(),
  };
}

/** `--cpu-prof` into a folder per service; the profile is written when the service exits. */
function profilingArgs(dir: string): Partial<Record<ServiceName, string[]>> {
  return Object.fromEntries(
    serviceNames.map((name) => [name, ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`]]),
  );
}

/**
 * Wait until the flows' services use less than `maxCores` of CPU together (1 s samples), so a run
 * does not pay for the one before it (the analytics projection and the notifications trail the
 * orders' outcomes); gives up after `timeoutMs`. Returns the last sample and whether it was quiet.
 */
export async function untilQuiet(
  flows: readonly OrderFlow[],
  options: { maxCores?: number; timeoutMs?: number } = {},
): Promise<{ cores: number; quiet: boolean }> {
  const maxCores = options.maxCores ?? 0.25;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const used = () => flows.reduce((sum, flow) => sum + flow.cpuSeconds(), 0);
  for (;;) {
    const before = used();
    const started = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cores = (used() - before) / (Number(process.hrtime.bigint() - started) / 1e9);
    if (cores < maxCores) return { cores, quiet: true };
    if (Date.now() >= deadline) return { cores, quiet: false };
  }
}

/** User + system CPU seconds of a process from /proc/<pid>/stat (USER_HZ 100); 0 if unreadable. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
