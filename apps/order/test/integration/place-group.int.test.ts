// POST /orders with group commit (PlaceOrderHandler): requests that arrive while others commit are
// placed together, each answered as if alone.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  call,
  deadlineOf,
  eventTypes,
  orderBody,
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

it('places concurrent orders in fewer transactions than orders, each placed once with its deadline and its event', async () => {
  const answers = await Promise.all(
    Array.from({ length: 24 }, () => call(world, 'POST', '/orders', orderBody())),
  );
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
  const ids = answers.map((a) => a.body.orderId);
  expect(new Set(ids).size).toBe(ids.length);
  const { rows } = await sql<{ tx: string; n: number }>`
    SELECT xmin::text AS tx, count(*)::int AS n FROM events
     WHERE stream_id = ANY(${ids.map((id) => `order-${id}`)}::text[]) GROUP BY 1`.execute(world.db);
  expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(ids.length);
  expect(rows.length).toBeLessThan(ids.length);
  for (const id of ids) {
    expect(await eventTypes(world, id)).toEqual(['OrderPlaced']);
    expect((await deadlineOf(world, id))?.cancelled_at).toBeNull();
  }
  for (const id of ids) await world.tap.waitFor('com.acme.order.placed.v2', id);
  for (const id of ids) expect(world.tap.about(id, 'com.acme.order.placed.v2')).toHaveLength(1);
});

it('a request that fails in a group fails alone: the same key for a different order is refused, the rest are placed', async () => {
  const key = randomUUID();
  const answers = await Promise.all([
    ...Array.from({ length: 6 }, () => call(world, 'POST', '/orders', orderBody())),
    call(world, 'POST', '/orders', orderBody(), { 'idempotency-key': key }),
    call(world, 'POST', '/orders', orderBody({ paymentToken: 'tok_other' }), { 'idempotency-key': key }),
    ...Array.from({ length: 6 }, () => call(world, 'POST', '/orders', orderBody())),
  ]);
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(13);
  expect(statuses.filter((s) => s === 409)).toHaveLength(1);
  for (const answer of answers.filter((a) => a.status === 201))
    expect(await eventTypes(world, answer.body.orderId)).toEqual(['OrderPlaced']);
});
