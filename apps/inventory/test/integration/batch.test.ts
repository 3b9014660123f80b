// Runs of order events in one transaction (OrderStockService.apply) on the real stack: each test
// publishes its events in one produce request to one partition, so the consumer fetches them as
// one batch, in that order.
import { handledIds, inboxTransactions } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import {
  get,
  orderCancelled,
  orderPlaced,
  seed,
  startInventory,
  unique,
  type InventoryWorld,
} from './world.js';

jest.setTimeout(60_000);

const placedType = 'com.acme.order.placed.v2';
const cancelledType = 'com.acme.order.cancelled.v1';
const reserved = 'com.acme.inventory.stock-reserved.v1';
const insufficient = 'com.acme.inventory.stock-insufficient.v1';
const released = 'com.acme.inventory.stock-released.v1';

let world: InventoryWorld;

beforeAll(async () => {
  world = await startInventory();
});

afterAll(async () => {
  await world.close();
});

const level = async (sku: string) => (await get(world, `/stock/${sku}`)).body;

const placed = (orderId: string, lines: { sku: string; quantity: number }[]) => ({
  type: placedType,
  subject: orderId,
  data: orderPlaced(orderId, lines),
});

const transactionsOf = (ids: readonly string[]) => inboxTransactions(world.db, ids);

it('answers a run of orders in one transaction, decided in order: a refused order leaves the others reserved', async () => {
  const [a, b] = [unique('RUN-A'), unique('RUN-B')];
  await seed(world, a, 5);
  await seed(world, b, 2);
  const orders = Array.from({ length: 5 }, () => unique('order'));
  const [first, second, third, fourth, fifth] = orders as [string, string, string, string, string];
  const ids = await world.tap.publishTogether(
    [
      placed(first, [{ sku: a, quantity: 2 }]),
      placed(second, [
        { sku: b, quantity: 2 },
        { sku: a, quantity: 1 },
      ]),
      // b has none left after `second`: refused, and a stays untouched by it.
      placed(third, [
        { sku: a, quantity: 1 },
        { sku: b, quantity: 1 },
      ]),
      // Gives back what `first` holds, within the same run.
      { type: cancelledType, subject: first, data: orderCancelled(first) },
      placed(fourth, [{ sku: a, quantity: 4 }]),
      placed(fifth, [{ sku: a, quantity: 1 }]),
    ],
    unique('key'),
  );
  const transactions = await transactionsOf(ids);
  expect(new Set(transactions.values()).size).toBe(1);

  for (const order of [first, second, fourth]) await world.tap.waitFor(reserved, order);
  await world.tap.waitFor(insufficient, third);
  await world.tap.waitFor(insufficient, fifth);
  await world.tap.waitFor(released, first);
  expect(world.tap.about(third, insufficient)[0]?.data).toEqual({
    orderId: third,
    shortages: [{ sku: b, requested: 1, available: 0 }],
  });
  // a: 5 − 2 (first) − 1 (second) + 2 (first released) − 4 (fourth) = 0, so fifth is refused.
  expect(world.tap.about(fifth, insufficient)[0]?.data).toEqual({
    orderId: fifth,
    shortages: [{ sku: a, requested: 1, available: 0 }],
  });
  for (const order of orders) expect(answers(order)).toHaveLength(order === first ? 2 : 1);
  expect(await level(a)).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  expect(await level(b)).toMatchObject({ onHand: 2, reserved: 2, available: 0 });
});

it('a run with a poison event and a refused order: the poison is parked alone, every other event is handled exactly once', async () => {
  const sku = unique('POISON');
  await seed(world, sku, 3);
  const [before, poison, refused, after] = [
    unique('order'),
    unique('order'),
    unique('order'),
    unique('order'),
  ];
  const ids = await world.tap.publishTogether(
    [
      placed(before, [{ sku, quantity: 2 }]),
      // A quantity of 0 is malformed: InventoryValidationError, not retriable.
      placed(poison, [{ sku, quantity: 0 }]),
      placed(refused, [{ sku, quantity: 2 }]),
      placed(after, [{ sku, quantity: 1 }]),
    ],
    unique('key'),
  );
  const [beforeId, poisonId, refusedId, afterId] = ids as [string, string, string, string];

  const parked = await eventually(async () =>
    world.db
      .selectFrom('dead_letters')
      .select(['event_id', 'error_class', 'attempts'])
      .where('event_id', '=', poisonId)
      .executeTakeFirst(),
  );
  expect(parked).toMatchObject({ error_class: 'InventoryValidationError', attempts: 1 });
  // The failed run was rolled back and its events handled one by one: one transaction each.
  const transactions = await transactionsOf([beforeId, refusedId, afterId]);
  expect(new Set(transactions.values()).size).toBe(3);
  expect(await handledIds(world.db, [poisonId])).toEqual([]);

  await world.tap.waitFor(reserved, before);
  await world.tap.waitFor(insufficient, refused);
  await world.tap.waitFor(reserved, after);
  for (const order of [before, refused, after]) expect(answers(order)).toHaveLength(1);
  expect(answers(poison)).toEqual([]);
  expect(await level(sku)).toMatchObject({ onHand: 3, reserved: 3, available: 0 });
});

/** What inventory published about the order. */
const answers = (orderId: string) =>
  world.tap.about(orderId).filter((e) => e.type.startsWith('com.acme.inventory.'));
