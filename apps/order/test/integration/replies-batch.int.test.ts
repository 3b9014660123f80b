// Runs of replies in one transaction (OrderCommands.executeMany) on the real stack: each test
// publishes its replies in one produce request to one partition, so the consumer fetches them as
// one batch, in that order.
import { randomUUID } from 'node:crypto';
import { inboxTransactions } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import {
  deadlineOf,
  eventTypes,
  placeOrder,
  seedCatalogue,
  skus,
  startOrderWorld,
  type OrderWorld,
} from './world.js';

jest.setTimeout(60_000);

let world: OrderWorld;

beforeAll(async () => {
  world = await startOrderWorld();
  await seedCatalogue(world, [skus.a, skus.b]);
});

afterAll(async () => {
  await world.close();
});

const reserved = (orderId: string) => ({
  type: 'com.acme.inventory.stock-reserved.v1',
  subject: orderId,
  data: { orderId, lines: [{ sku: skus.a, quantity: 2 }], reservedAt: Date.now() },
});

const insufficient = (orderId: string) => ({
  type: 'com.acme.inventory.stock-insufficient.v1',
  subject: orderId,
  data: { orderId, shortages: [{ sku: skus.a, requested: 2, available: 0 }] },
});

const transactionsOf = (ids: readonly string[]) => inboxTransactions(world.db, ids);

it('records a run of replies for several orders in one transaction, and cancels what a refusal ends', async () => {
  const [first, second, refused] = [
    await placeOrder(world),
    await placeOrder(world),
    await placeOrder(world),
  ];
  const ids = await world.tap.publishTogether(
    [reserved(first), reserved(second), insufficient(refused)],
    randomUUID(),
  );
  expect(new Set((await transactionsOf(ids)).values()).size).toBe(1);

  const cancelled = await world.tap.waitFor('com.acme.order.cancelled.v1', refused);
  expect(cancelled.data).toMatchObject({ orderId: refused, reason: 'STOCK_INSUFFICIENT' });
  expect(cancelled.envelope.causationid).toBe(ids[2]);
  expect(await eventTypes(world, first)).toEqual(['OrderPlaced', 'StockReserved']);
  expect(await eventTypes(world, second)).toEqual(['OrderPlaced', 'StockReserved']);
  expect(await eventTypes(world, refused)).toEqual(['OrderPlaced', 'OrderCancelled']);
  expect((await deadlineOf(world, refused))?.cancelled_at).not.toBeNull();
  expect((await deadlineOf(world, first))?.cancelled_at).toBeNull();
});

it('a reply about an unknown order in a run is parked alone; the other replies are recorded once', async () => {
  const [before, after] = [await placeOrder(world), await placeOrder(world)];
  const unknown = randomUUID();
  const ids = await world.tap.publishTogether(
    [reserved(before), reserved(unknown), insufficient(after)],
    randomUUID(),
  );
  const parked = await eventually(async () =>
    world.db
      .selectFrom('dead_letters')
      .select(['error_class', 'attempts'])
      .where('event_id', '=', ids[1] ?? '')
      .executeTakeFirst(),
  );
  expect(parked).toMatchObject({ error_class: 'PermanentError', attempts: 1 });
  const transactions = await transactionsOf([ids[0] ?? '', ids[2] ?? '']);
  expect(new Set(transactions.values()).size).toBe(2);
  await world.tap.waitFor('com.acme.order.cancelled.v1', after);
  expect(await eventTypes(world, before)).toEqual(['OrderPlaced', 'StockReserved']);
  expect(await eventTypes(world, after)).toEqual(['OrderPlaced', 'OrderCancelled']);
  expect(world.tap.about(after, 'com.acme.order.cancelled.v1')).toHaveLength(1);
});
