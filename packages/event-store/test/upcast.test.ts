import { upcast, type OrderPlacedV1, type OrderPlacedV2 } from '@acme/contracts';
import type { Kysely } from 'kysely';
import {
  aggregateStream,
  appendToStream,
  readStream,
  type Decider,
  type Event,
  type EventStoreDatabase,
} from '../src/index.js';
import { openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore()));
afterAll(() => close());

type Placed = Event<'com.acme.order.placed.v2', OrderPlacedV2>;

/** A decider written against v2 only; what was stored as v1 is lifted by the contracts' upcaster. */
const orders: Decider<{ customerEmail?: string; totalMinor: number }, never, Placed> = {
  streamType: 'order',
  eventTypes: ['com.acme.order.placed.v2'],
  initialState: () => ({ totalMinor: 0 }),
  evolve: (_state, event) => ({
    customerEmail: event.data.customer.email,
    totalMinor: event.data.totalMinor,
  }),
  decide: () => [],
  upcast: (event) => {
    const lifted = upcast(event.type as 'com.acme.order.placed.v1', event.data as OrderPlacedV1);
    return { ...event, type: lifted.type, data: lifted.data };
  },
};

const placedV1: OrderPlacedV1 = {
  orderId: 'o-1',
  customerId: 'c-1',
  customerEmail: 'ada@example.com',
  lines: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: 1250 }],
  currency: 'EUR',
  totalMinor: 2500,
  paymentToken: 'tok_ok',
  placedAt: 1_795_000_000_000,
  deadlineAt: 1_795_000_060_000,
};

it('an event stored as v1 reaches evolve and readers as v2; the stored row is unchanged', async () => {
  await appendToStream(db, 'order-upcast', [{ type: 'com.acme.order.placed.v1', data: placedV1 }], {
    streamType: 'order',
    expectedVersion: 'no-stream',
  });

  const { state, version } = await aggregateStream(db, 'order-upcast', orders);
  expect(state).toEqual({ customerEmail: 'ada@example.com', totalMinor: 2500 });
  expect(version).toBe(1);

  const [read] = await readStream(db, 'order-upcast', { upcast: orders.upcast });
  expect(read).toMatchObject({
    type: 'com.acme.order.placed.v2',
    data: { customer: { id: 'c-1', email: 'ada@example.com', name: null } },
    version: 1,
  });
  const [stored] = await readStream(db, 'order-upcast');
  expect(stored).toMatchObject({ type: 'com.acme.order.placed.v1', data: placedV1 });
});
