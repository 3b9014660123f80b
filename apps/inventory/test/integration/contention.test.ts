// Why the SKU locks: 200 orders at once on one hot SKU, straight through the application layer
// (each reservation its own transaction, as many in flight as the pool has connections), with and
// without per-SKU advisory locks. Prints the figures; asserts what must hold either way.
import { TooManyConflictsError } from '@acme/event-store';
import { startCause } from '@acme/messaging';
import { DATABASE, OUTBOX, type Outbox } from '@acme/service';
import type { Kysely } from 'kysely';
import { OrderStockService, type StepOutcome } from '../../src/application/order-stock.service.js';
import { get, seed, startInventory, unique, type InventoryWorld } from './world.js';

jest.setTimeout(120_000);

let world: InventoryWorld;

beforeAll(async () => {
  world = await startInventory();
});

afterAll(async () => {
  await world.close();
});

async function storm(skuLocks: boolean, orders = 200, units = 100) {
  const sku = unique(skuLocks ? 'LOCKED' : 'UNLOCKED');
  await seed(world, sku, units);
  const service = new OrderStockService(world.app.get<Outbox>(OUTBOX), { skuLocks, conflictAttempts: 5 });
  const db = world.app.get<Kysely<unknown>>(DATABASE);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: orders }, (_, i) =>
      service
        .reserve(
          db,
          { orderId: unique(`storm-${i}`), lines: [{ sku, quantity: 1 }] },
          startCause(unique('cmd')),
        )
        .catch((error: unknown): StepOutcome | 'gave up' => {
          if (error instanceof TooManyConflictsError) return 'gave up';
          throw error;
        }),
    ),
  );
  const count = (outcome: string) => results.filter((r) => r === outcome).length;
  const figures = {
    skuLocks,
    ms: Math.round(performance.now() - started),
    conflicts: service.conflicts,
    reserved: count('reserved'),
    insufficient: count('insufficient'),
    gaveUp: count('gave up'),
    stock: (await get(world, `/stock/${sku}`)).body,
  };
  console.log(JSON.stringify(figures));
  return figures;
}

it('never oversells a hot SKU without locks, but conflicts make orders give up', async () => {
  const f = await storm(false);
  expect(f.reserved + f.insufficient + f.gaveUp).toBe(200);
  expect(f.reserved).toBeLessThanOrEqual(100);
  expect(f.stock).toMatchObject({ onHand: 100, reserved: f.reserved });
  expect(f.conflicts).toBeGreaterThan(0);
});

it('with SKU locks: no conflicts, exactly the stock reserved, the rest refused', async () => {
  const f = await storm(true);
  expect(f).toMatchObject({ conflicts: 0, reserved: 100, insufficient: 100, gaveUp: 0 });
  expect(f.stock).toMatchObject({ onHand: 100, reserved: 100, available: 0 });
});
