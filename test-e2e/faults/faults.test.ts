/**
 * The fault suite: the five services as OS processes on the real stack, orders flowing, and one
 * fault at a time — crashes, broker and database restarts, redelivery, poison, racing commands.
 * After each, with a deadline, every invariant of invariants.ts must hold over the scenario's
 * orders (each scenario seeds SKUs of its own), its stock and the dead letters parked meanwhile;
 * at the end, once more over everything. Prints a table (also in .stack/reports/faults.txt).
 *
 * It restarts Kafka and Postgres, so it runs on its own, in band, after the other suites:
 * `pnpm jest -c test-e2e/faults/jest.config.js --runInBand` (the test runner's `faults` step).
 * FAULTS_PROFILE=long places more orders and kills every service several times.
 */
import { randomUUID } from 'node:crypto';
import { loadStackConfig } from '@acme/stack';
import { eventually } from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { orderFor } from '../system/api.js';
import type { ServiceName } from '../system/system.js';
import type { ServiceProcess } from '../system/service-process.js';
import { expectRebuiltEqualsLive, rebuildReadModel } from '../system/read-model.js';
import { systemWorld, type SystemWorld } from '../system/world.js';
import { deadLetterMarks, gatherFacts, newLedger, openOrders, type Scope } from './facts.js';
import {
  caughtUp,
  crashAndRestart,
  injectPoison,
  newEventId,
  produceAgain,
  readAll,
  restartableStack,
  restartPart,
} from './inject.js';
import {
  checkAll,
  repliesAgree,
  violations,
  type ExpectedPoison,
  type OrderStatus,
  type Verdict,
} from './invariants.js';
import { Load, mixedTokens } from './load.js';
import { profileFrom, publishTable, renderTable, type Row } from './report.js';

const profile = profileFrom(process.env);
const config = loadStackConfig(process.env);
const ledger = newLedger();
const rows: Row[] = [];
let world: SystemWorld;
let kafka: Kafka;
/** Once notification was SIGKILLed it may resend an e-mail under the same Message-ID (documented). */
let notificationKilled = false;

beforeAll(async () => {
  // Request logs at info cost the two cores more than the faults do; warnings and errors are kept.
  world = await systemWorld(
    'faults',
    { order: { ORDER_DEADLINE_MS: String(profile.deadlineMs) } },
    { logLevel: 'warn' },
  );
  kafka = new Kafka({
    clientId: 'fault-suite',
    brokers: world.stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}, 180_000);

afterAll(async () => {
  publishTable(renderTable(profile, rows), config.stackDir);
  // beforeAll may have failed half-way, leaving no world to close
  if ((world as SystemWorld | undefined) !== undefined) await world.close();
}, 120_000);

interface Scenario extends Scope {
  poison: ExpectedPoison[];
  skuList: string[];
}

/**
 * A scenario's own SKUs — one plentiful, two scarce (some orders find no stock) — seeded and known
 * to the order service, and the dead-letter marks it starts from.
 */
async function begin(label: string): Promise<Scenario> {
  const skus = [
    [`${label}-plenty-${randomUUID().slice(0, 6)}`, 1_000],
    [`${label}-scarce-${randomUUID().slice(0, 6)}`, 6],
    [`${label}-rare-${randomUUID().slice(0, 6)}`, 2],
  ] as const;
  for (const [sku, quantity] of skus) {
    await world.seed(sku, quantity);
    ledger.seeded.set(sku, (ledger.seeded.get(sku) ?? 0) + quantity);
  }
  const skuList = skus.map(([sku]) => sku);
  return { skus: new Set(skuList), skuList, poison: [], deadLettersAfter: await deadLetterMarks(world) };
}

/** Services whose process has exited (a fault they did not survive). */
function crashedServices(): ServiceProcess[] {
  return Object.values(world.system.services).filter((service) => {
    try {
      return service.pid === undefined || !process.kill(service.pid, 0);
    } catch {
      return true;
    }
  });
}

/**
 * Wait, with the profile's deadline, until every invariant holds over `scope` (everything when
 * undefined); record the row — time from the first fault to that moment — either way. A service
 * that died fails the scenario at once (and is started again, so the next scenario starts whole).
 */
async function verify(
  scope: Scope | undefined,
  row: { scenario: string; orders: number; faults: string },
  faultAt: number,
): Promise<void> {
  let last: Verdict | undefined;
  let outcome: { crashed: ServiceProcess[] } | { verdict: Verdict };
  try {
    outcome = await eventually(
      async () => {
        const crashed = crashedServices();
        if (crashed.length > 0) return { crashed };
        const open = await openOrders(world, scope?.skus);
        if (open > 0) throw new Error(`${open} orders not ended yet`);
        last = checkAll(await gatherFacts(world, ledger, scope), { foldResends: notificationKilled });
        const broken = violations(last);
        if (broken.length > 0)
          throw new Error(
            `${broken.length} violations:\n  ${broken.slice(0, 20).join('\n  ')}${broken.length > 20 ? '\n  …' : ''}`,
          );
        return { verdict: last };
      },
      {
        timeoutMs: profile.recoverWithinMs,
        intervalMs: 1_000,
        description: `the invariants after "${row.scenario}"`,
      },
    );
  } catch (error) {
    rows.push({ ...row, recoveredMs: undefined, verdict: last });
    throw error;
  }
  if ('crashed' in outcome) {
    const names = outcome.crashed.map((s) => s.name).join(', ');
    rows.push({ ...row, recoveredMs: undefined, verdict: undefined, note: `CRASHED: ${names}` });
    const logs = outcome.crashed.map((s) => `--- ${s.logFile}\n${s.tail(25)}`).join('\n');
    await Promise.all(outcome.crashed.map((s) => s.restart()));
    throw new Error(`${names} exited during "${row.scenario}" (started again since):\n${logs}`);
  }
  rows.push({ ...row, recoveredMs: Date.now() - faultAt, verdict: outcome.verdict });
}

/** The load's outcome once it has settled — or at once, undefined, when a service has died. */
async function settledUnlessCrashed(orders: Load): Promise<Error | undefined> {
  const load = { done: false };
  const settled = orders.settled().finally(() => (load.done = true));
  await eventually(
    async () => Promise.resolve(load.done || crashedServices().length > 0 ? true : undefined),
    { timeoutMs: 600_000, intervalMs: 250, description: 'the load to settle' },
  );
  return load.done ? settled : undefined;
}

/** The status of each order once all have ended (before their facts are delivered again). */
async function endings(ids: readonly string[]): Promise<Map<string, OrderStatus>> {
  return eventually(
    async () => {
      const statuses = new Map<string, OrderStatus>();
      for (const id of ids) {
        const { status, body } = await world.api.order(id);
        if (status !== 200 || !['confirmed', 'cancelled', 'shipped'].includes(body.status)) return undefined;
        statuses.set(id, body.status);
      }
      return statuses;
    },
    { timeoutMs: profile.recoverWithinMs, intervalMs: 500, description: `${ids.length} orders to end` },
  );
}

const load = (scenario: Scenario, extra: { rate?: number; untilReleased?: boolean } = {}) =>
  Load.start(world.api, ledger, {
    orders: profile.orders,
    rate: extra.rate ?? profile.rate,
    skus: scenario.skuList,
    tokens: mixedTokens,
    ...(extra.untilReleased ? { untilReleased: true } : {}),
  });

describe(`fault suite (${profile.name} profile)`, () => {
  it('SIGKILL each service in turn (and the relay inside it, mid-batch), then restart it', async () => {
    const scenario = await begin('kill');
    // Each service in turn. The order no longer matters for refunds: the provider simulator keeps
    // its charges in Postgres, so a charge made before a payment restart is refunded after it.
    const order: ServiceName[] = ['payment', 'analytics', 'notification', 'inventory', 'order'];
    const victims = Array.from({ length: profile.killRounds }, () => order).flat();
    const orders = load(scenario, { rate: profile.killRate, untilReleased: true });
    let faultAt = 0;
    let midBatch = 0;
    // A restarted service is ready only once its consumer group lets it in again, after the killed
    // member's session has timed out (~30 s): the next kill does not wait for that, only a second
    // kill of the same service waits for its first restart.
    const restarting = new Map<ServiceName, Promise<void>>();
    try {
      for (const [i, victim] of victims.entries()) {
        // Spread the kills over the load: a few more orders accepted before each.
        await orders.whenAccepted((i + 1) * 3);
        await restarting.get(victim);
        faultAt ||= Date.now();
        if (victim === 'notification') notificationKilled = true;
        const crash = await crashAndRestart(world, victim);
        if (crash.midBatch) midBatch++;
        restarting.set(victim, crash.restarted);
      }
      await Promise.all(restarting.values());
    } finally {
      orders.release();
    }
    await orders.finished();
    expect(orders.refused).toEqual([]);
    await verify(
      scenario,
      {
        scenario: 'SIGKILL each service mid-load',
        orders: orders.accepted.length,
        faults: `${victims.length} × SIGKILL + restart (${midBatch} with outbox rows pending); ${orders.retried} orders retried by the client`,
      },
      faultAt,
    );
  }, 600_000);

  it('duplicate deliveries and out-of-order facts change nothing', async () => {
    const scenario = await begin('dup');
    const orders = load(scenario, { rate: profile.rate * 2 });
    await orders.finished();
    const before = await endings(orders.accepted);
    const prefix = world.system.topicPrefix;
    const topics = ['order.events', 'inventory.events', 'payment.events'].map((t) => prefix + t);
    const raw = await readAll(kafka, topics);
    const half = new Set(orders.accepted.slice(0, Math.ceil(orders.accepted.length / 2)));
    const rest = new Set(orders.accepted.filter((id) => !half.has(id)));
    // Half the orders: every message about them again, same bytes and headers (a relay resending
    // after a crash, a consumer group rewound).
    const duplicates = raw.filter((m) => m.subject !== undefined && half.has(m.subject));
    // The other half: their inventory and payment replies again after the orders ended, payment's
    // before inventory's, latest first, under new event ids (a fact published twice, which the inbox
    // cannot catch — the deciders must).
    const late = raw
      .filter((m) => m.subject !== undefined && rest.has(m.subject) && !m.topic.endsWith('order.events'))
      .reverse();
    const faultAt = Date.now();
    const dup = await produceAgain(kafka, duplicates);
    const ooo = await produceAgain(kafka, late, newEventId);
    // Judged once every service has consumed what was delivered again, not before.
    await eventually(async () => ((await caughtUp(kafka, prefix, topics)) ? true : undefined), {
      timeoutMs: profile.recoverWithinMs,
      intervalMs: 500,
      description: 'every consumer group to reach the end of the topics',
    });
    await verify(
      scenario,
      {
        scenario: 'duplicates + out-of-order',
        orders: orders.accepted.length,
        faults: `${dup} messages redelivered as they were, ${ooo} older facts late under new ids`,
      },
      faultAt,
    );
    // Nothing a redelivery or a late fact says changes how an order ended.
    expect(Object.fromEntries(await endings(orders.accepted))).toEqual(Object.fromEntries(before));
  }, 600_000);

  it('poison (no envelope, garbage, an unknown schema id, a rejected event) is parked, and nothing else stops', async () => {
    const scenario = await begin('poison');
    const orders = load(scenario);
    await orders.whenAccepted(Math.floor(profile.orders / 3));
    const faultAt = Date.now();
    const { poison, injected } = await injectPoison(world, kafka);
    scenario.poison.push(...poison);
    ledger.poison.push(...poison);
    await orders.finished();
    await verify(
      scenario,
      {
        scenario: 'poison',
        orders: orders.accepted.length,
        faults: `${injected} poison messages (${poison.map((p) => p.reason).join(', ')})`,
      },
      faultAt,
    );
  }, 600_000);

  it('50 concurrent conflicting commands at one order, and 50 concurrent orders at one scarce SKU', async () => {
    const scenario = await begin('race');
    const [plenty = '', scarce = ''] = scenario.skuList;
    const accept = (orderId: string, sku: string) => ledger.accepted.set(orderId, sku);
    const first = await world.placeWhenKnown(orderFor(scarce, 'tok_ok'));
    expect(first.status).toBe(201);
    accept(first.body.orderId, scarce);
    const faultAt = Date.now();
    // One SKU, six in stock: 50 orders at once, one in five declined.
    const rush = await Promise.all(
      Array.from({ length: 49 }, (_, i) =>
        world.api.placeOrder(orderFor(scarce, i % 5 === 4 ? 'tok_decline' : 'tok_ok')),
      ),
    );
    expect(rush.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    for (const r of rush) accept(r.body.orderId, scarce);

    // A confirmed order: cancel and ship race. A order just placed: both also race its confirmation.
    const confirmed = await world.placeWhenKnown(orderFor(plenty, 'tok_ok'));
    accept(confirmed.body.orderId, plenty);
    await world.settled(confirmed.body.orderId, ['confirmed']);
    const fresh = await world.api.placeOrder(orderFor(plenty, 'tok_ok'));
    expect(fresh.status).toBe(201);
    accept(fresh.body.orderId, plenty);
    const targets = [confirmed.body.orderId, fresh.body.orderId];
    const fire = (orderId: string) =>
      Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const command = i % 2 === 0 ? ('cancel' as const) : ('ship' as const);
          const reply = await (command === 'cancel' ? world.api.cancel(orderId) : world.api.ship(orderId));
          return { command, status: reply.status };
        }),
      );
    const replies = await Promise.all(targets.map(fire));
    await verify(
      scenario,
      {
        scenario: 'concurrent conflicting commands',
        orders: 50 + targets.length,
        faults: '50 orders at one SKU (6 in stock); 2 × 50 cancel/ship at one order',
      },
      faultAt,
    );
    for (const [i, id] of targets.entries()) {
      const final = (await world.api.order(id)).body.status;
      expect({ id, problems: repliesAgree(replies[i] ?? [], final) }).toEqual({ id, problems: [] });
    }
  }, 600_000);

  describe.each([
    ['kafka', 'restart Kafka (broker stopped, then started again)'],
    ['postgres', 'restart Postgres (fast shutdown; the registry, which keeps its data there, with it)'],
  ] as const)('%s', (part, title) => {
    it(`${title} mid-load`, async () => {
      const cannot = await restartableStack(config, world.stack);
      if (cannot) {
        rows.push({
          scenario: `${part} restart`,
          orders: 0,
          faults: 'none',
          recoveredMs: undefined,
          verdict: undefined,
          note: `skipped: ${cannot}`,
        });
        return;
      }
      const scenario = await begin(part);
      const orders = load(scenario);
      await orders.whenAccepted(Math.floor(profile.orders / 3));
      const faultAt = Date.now();
      const stopped = await restartPart(config, part, profile.outageMs);
      // A service that did not survive also stops the load: judge the system first, then the load.
      const placing = await settledUnlessCrashed(orders);
      await verify(
        scenario,
        {
          scenario: `${part} restart`,
          orders: orders.accepted.length,
          faults: `${stopped.join(' + ')} down ${profile.outageMs / 1000} s; ${orders.retried} orders retried by the client`,
        },
        faultAt,
      );
      if (placing) throw placing;
      expect(orders.refused).toEqual([]);
    }, 600_000);
  });

  it('after every fault: every invariant over every order, and the DLQ holds all the poison and only it', async () => {
    const started = Date.now();
    await verify(
      undefined,
      { scenario: 'all of the above, together', orders: ledger.accepted.size, faults: '—' },
      started,
    );
  }, 300_000);

  // Last: the new generation's consumer group parks the poison again, in its own DLQ.
  it('after every fault: the read model equals a replay — rebuilt blue/green from the topics, table by table', async () => {
    await expectRebuiltEqualsLive(world, await rebuildReadModel(world, { timeoutMs: 180_000 }), 60_000);
  }, 300_000);
});
