// Runs of events in one transaction (PaymentProcess.runMany) on the real stack: each test
// publishes its events in one produce request to one partition, so the consumer fetches them as
// one batch, in that order.
import { randomUUID } from 'node:crypto';
import { inboxTransactions } from '@acme/service/testing';
import type { ProviderSimulator } from '../../src/infrastructure/provider-simulator.js';
import { cancelled, newOrderId, placed, reserved, startPaymentWorld, T, type World } from './support.js';

jest.setTimeout(60_000);

let world: World;
let simulator: ProviderSimulator;

beforeAll(async () => {
  ({ world, simulator } = await startPaymentWorld());
});

afterAll(async () => {
  await world.close();
});

it('charges a run of orders in one transaction: each once, with its own outcome', async () => {
  const [ok, declined, again] = [newOrderId(), newOrderId(), newOrderId()];
  const registered = await world.tap.publishTogether(
    [
      { type: T.placed, subject: ok, data: placed(ok, 'tok_ok') },
      { type: T.placed, subject: declined, data: placed(declined, 'tok_decline') },
      { type: T.placed, subject: again, data: placed(again, 'tok_ok') },
    ],
    randomUUID(),
  );
  await inboxTransactions(world.db, registered);
  const ids = await world.tap.publishTogether(
    [
      { type: T.reserved, subject: ok, data: reserved(ok) },
      { type: T.reserved, subject: declined, data: reserved(declined) },
      { type: T.reserved, subject: again, data: reserved(again) },
      // Published twice under a new id: decides nothing the second time.
      { type: T.reserved, subject: again, data: reserved(again) },
    ],
    randomUUID(),
  );
  expect(new Set((await inboxTransactions(world.db, ids)).values()).size).toBe(1);

  await world.tap.waitFor(T.charged, ok);
  await world.tap.waitFor(T.charged, again);
  const failed = await world.tap.waitFor(T.failed, declined);
  expect(failed.data).toMatchObject({ orderId: declined, code: 'card_declined' });
  for (const order of [ok, declined, again]) expect(await simulator.callsFor(order)).toBe(1);
  expect(world.tap.about(again, T.charged)).toHaveLength(1);
  expect(world.tap.about(ok, T.failed)).toEqual([]);
});

it('a run holding an order’s placement and its cancellation: a reservation after it charges nothing', async () => {
  const orderId = newOrderId();
  const ids = await world.tap.publishTogether(
    [
      { type: T.placed, subject: orderId, data: placed(orderId, 'tok_ok') },
      { type: T.cancelled, subject: orderId, data: cancelled(orderId) },
    ],
    randomUUID(),
  );
  await inboxTransactions(world.db, ids);
  const late = await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId) });
  await inboxTransactions(world.db, [late]);
  expect(await simulator.chargesFor(orderId)).toBe(0);
  expect(world.tap.about(orderId, T.charged)).toEqual([]);
});
