import { as, call, orderBody, seedCatalogue, skus, startOrderWorld, type OrderWorld } from './world.js';

jest.setTimeout(60_000);

// POST /orders is rate-limited per customer (the token's subject): 3 per minute here.
let world: OrderWorld;

beforeAll(async () => {
  world = await startOrderWorld({ ORDER_RATE_LIMIT: '3', ORDER_RATE_WINDOW_MS: '60000' });
  await seedCatalogue(world, [skus.a, skus.b]);
});

afterAll(async () => {
  await world.close();
});

async function placedEvents(): Promise<number> {
  const row = await world.db
    .selectFrom('events')
    .where('type', '=', 'OrderPlaced')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n);
}

it('answers 429 with Retry-After once a customer has placed the limit, writes nothing, and leaves others alone', async () => {
  const busy = await as(world, 'cust-busy');
  for (let i = 0; i < 3; i += 1) {
    const answer = await call(world, 'POST', '/orders', orderBody(), busy);
    expect(answer.status).toBe(201);
  }
  const before = await placedEvents();
  const refused = await call(world, 'POST', '/orders', orderBody(), busy);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  expect(await placedEvents()).toBe(before);
  // Another customer has a budget of its own.
  expect((await call(world, 'POST', '/orders', orderBody(), await as(world, 'cust-calm'))).status).toBe(201);
  // Reads are not limited.
  expect((await call(world, 'GET', '/orders/no-such-order', undefined, busy)).status).toBe(404);
});
