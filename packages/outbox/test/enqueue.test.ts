import { enqueue, OutboxMessageError, type OutboxMessage } from '../src/index.js';
import { scratchDatabase, type ScratchDatabase } from './support.js';

let scratch: ScratchDatabase;

beforeAll(async () => {
  scratch = await scratchDatabase();
});

afterAll(async () => {
  await scratch.drop();
});

const good: OutboxMessage = {
  topic: 'order.events',
  key: 'order-1',
  headers: { ce_type: 'com.acme.order.placed.v1', traceparent: '00-abc-def-01' },
  payload: Buffer.from([0, 1, 2, 255]),
};

async function rowCount(): Promise<number> {
  const { count } = await scratch.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

describe('enqueue', () => {
  it('stores messages in their public shape, in one insert, inside the caller transaction', async () => {
    const positions = await scratch.db
      .transaction()
      .execute((tx) => enqueue(tx, [good, { ...good, key: 'order-2' }]));
    expect(positions).toHaveLength(2);
    const rows = await scratch.db
      .selectFrom('outbox')
      .selectAll()
      .where('position', 'in', positions)
      .orderBy('position')
      .execute();
    expect(rows.map((r) => r.key)).toEqual(['order-1', 'order-2']);
    expect(rows[0]).toMatchObject({
      topic: good.topic,
      headers: good.headers,
      dispatched_at: null,
      attempts: 0,
    });
    expect(rows[0]?.payload.equals(good.payload)).toBe(true);
    expect(new Set(rows.map((r) => r.transaction_id)).size).toBe(1);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const before = await rowCount();
    await expect(
      scratch.db.transaction().execute(async (tx) => {
        await enqueue(tx, [good]);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await rowCount()).toBe(before);
  });

  it.each<[string, Partial<OutboxMessage>, RegExp]>([
    ['an empty topic', { topic: '' }, /#1: topic "" is not a valid Kafka topic name/],
    ['a topic Kafka refuses', { topic: 'order events' }, /not a valid Kafka topic name/],
    ['an empty key', { key: '' }, /#1: key must be a non-empty string/],
    ['a non-string header', { headers: { n: 1 as unknown as string } }, /header "n" must be a string/],
    ['a payload that is not a Buffer', { payload: 'text' as unknown as Buffer }, /payload must be a Buffer/],
    [
      'an oversize payload',
      { payload: Buffer.alloc(1_000_001) },
      /1000001 bytes exceeds the limit of 1000000 bytes/,
    ],
  ])('refuses %s with a typed error and writes nothing of the call', async (_, change, message) => {
    const before = await rowCount();
    const error: unknown = await enqueue(scratch.db, [good, { ...good, ...change }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboxMessageError);
    expect((error as OutboxMessageError).message).toMatch(message);
    expect((error as OutboxMessageError).retriable).toBe(false);
    expect((error as OutboxMessageError).index).toBe(1);
    expect(await rowCount()).toBe(before);
  });

  it('takes a smaller payload limit when configured', async () => {
    await expect(enqueue(scratch.db, [good], { maxPayloadBytes: 3 })).rejects.toThrow(
      /exceeds the limit of 3 bytes/,
    );
  });

  it('does nothing for an empty list', async () => {
    const before = await rowCount();
    expect(await enqueue(scratch.db, [])).toEqual([]);
    expect(await rowCount()).toBe(before);
  });
});
