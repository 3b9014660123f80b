import { randomUUID } from 'node:crypto';
import { consumeUntil, eventually } from '@acme/testing';
import {
  dlqTopic,
  headerString,
  replayDeadLetters,
  replayTopic,
  RetriableError,
  type Handler,
} from '../src/index.js';
import { thingV2, world, type TestDatabase, type ThingV2, type World } from './support.js';

// Each test joins consumer groups and waits for effects on the real stack.
jest.setTimeout(90_000);

let w: World;

beforeEach(async () => {
  w = await world('dlq');
});

afterEach(() => w.close());

const parked = (group: string) =>
  w.db.selectFrom('dead_letters').selectAll().where('consumer_group', '=', group).orderBy('id').execute();

const waitParked = (group: string, n = 1) =>
  eventually(
    async () => {
      const rows = await parked(group);
      return rows.length >= n ? rows : undefined;
    },
    { description: `${n} dead letter(s) of ${group}` },
  );

test('an always-failing handler dead-letters after N attempts with full metadata; replay after the fix reaches only that group, once', async () => {
  let fixed = false;
  const record = w.recorder('payments');
  const failing: Handler<TestDatabase> = {
    type: thingV2,
    handle: async (event, tx) => {
      if (!fixed) throw new RetriableError('provider unavailable');
      await record.handle(event, tx);
    },
  };
  const payments = await w.consumer([failing], { maxAttempts: 3 });
  const audit = await w.consumer([w.recorder('audit')], { groupId: w.group('audit') });
  const key = randomUUID();
  const id = await w.publish({ key });

  const [row] = await waitParked(payments.groupId);
  expect(row).toMatchObject({
    event_id: id,
    event_type: 'com.acme.test.thing-happened.v1',
    reason: 'retries-exhausted',
    error_class: 'RetriableError',
    error_message: 'provider unavailable',
    attempts: 3,
    source_topic: w.topic,
    status: 'parked',
  });
  expect(row?.last_failure_at.getTime()).toBeGreaterThan(row?.first_failure_at.getTime() ?? Infinity);
  expect(await w.counter('messaging_dlq_depth', { group: payments.groupId })).toBe(1);

  // On the DLQ topic: the original bytes and headers, plus where and why.
  const [dead] = await consumeUntil(w.kafka, dlqTopic(payments.groupId), (m) => m.length >= 1);
  const header = (name: string) => headerString(dead?.headers, name);
  expect(dead?.key?.toString()).toBe(key);
  expect(header('ce_id')).toBe(id);
  expect(header('dlq_reason')).toBe('retries-exhausted');
  expect(header('dlq_error_class')).toBe('RetriableError');
  expect(header('dlq_attempts')).toBe('3');
  expect(header('dlq_source_topic')).toBe(w.topic);
  expect(header('dlq_source_partition')).toBe(String(row?.source_partition));
  expect(header('dlq_source_offset')).toBe(String(row?.source_offset));
  expect(Date.parse(header('dlq_first_failure_at') ?? '')).toBe(row?.first_failure_at.getTime());

  fixed = true;
  const result = await replayDeadLetters(w.db, w.producer, {
    group: payments.groupId,
    selection: { eventIds: [id] },
    requestedBy: 'alice',
  });
  expect(result).toMatchObject({ dryRun: false, replayed: 1 });
  await eventually(
    async () => ((await parked(payments.groupId))[0]?.status === 'resolved' ? true : undefined),
    {
      description: 'the replayed message to be handled',
    },
  );
  expect(await w.effects('payments')).toHaveLength(1);
  expect(await w.counter('messaging_dlq_depth', { group: payments.groupId })).toBe(0);
  // The audit group saw the event once, from the topic; the replay was not fed to it.
  expect((await w.effects('audit')).map((e) => e.event_id)).toEqual([id]);
  const replays = await w.db.selectFrom('dlq_replays').selectAll().execute();
  expect(replays).toEqual([
    expect.objectContaining({
      consumer_group: payments.groupId,
      requested_by: 'alice',
      dry_run: false,
      matched: 1,
      replayed: 1,
      result: 'succeeded',
    }),
  ]);
  // Replaying the same selection again finds nothing parked.
  const again = await replayDeadLetters(w.db, w.producer, {
    group: payments.groupId,
    selection: { eventIds: [id] },
    requestedBy: 'alice',
  });
  expect(again.matched).toHaveLength(0);
  await audit.stop();
});

test('garbage bytes, an unknown schema id and a broken envelope go to the DLQ at once, without retries', async () => {
  const c = await w.consumer([w.recorder('any')]);
  const good = w.events.toMessage({
    type: 'com.acme.test.thing-happened.v1',
    subject: 'k',
    data: { orderId: 'k', amountMinor: 1, note: '' },
    cause: { correlationId: 'c', causationId: 'c', hops: 0 },
  });
  const unknownId = Buffer.from(good.payload);
  unknownId.writeInt32BE(2_000_000_000, 1);
  await w.producer.send({
    topic: w.topic,
    acks: -1,
    messages: [
      {
        key: 'garbage',
        value: Buffer.from('not avro at all'),
        headers: { ...good.headers, ce_id: randomUUID() },
      },
      { key: 'unknown', value: unknownId, headers: { ...good.headers, ce_id: randomUUID() } },
      { key: 'envelope', value: good.payload, headers: { ce_type: 'com.acme.test.thing-happened.v1' } },
    ],
  });
  const rows = await waitParked(c.groupId, 3);
  const byKey = Object.fromEntries(rows.map((r) => [r.message_key?.toString() ?? '', r] as const));
  expect(byKey.garbage).toMatchObject({
    reason: 'undecodable',
    attempts: 1,
    error_class: 'UndecodableError',
  });
  expect(byKey.unknown).toMatchObject({
    reason: 'unknown-schema',
    attempts: 1,
    error_class: 'UnknownSchemaError',
  });
  expect(byKey.envelope).toMatchObject({ reason: 'invalid-envelope', attempts: 1 });
  expect(await w.counter('messaging_retries_total', { group: c.groupId })).toBe(0);
  expect(await w.effects()).toHaveLength(0);
});

test('a dry run lists what would be replayed, sends nothing, and is audited; selections by error class and time', async () => {
  const c = await w.consumer(
    [
      {
        type: thingV2,
        handle: (event) => {
          const { note } = event.data as ThingV2;
          throw note === 'retry' ? new RetriableError('later') : new Error('bug');
        },
      },
    ],
    { maxAttempts: 2 },
  );
  const before = new Date(Date.now() - 1000);
  await w.publish({ data: { orderId: 'a', amountMinor: 1, note: 'retry' } });
  await w.publish({ data: { orderId: 'b', amountMinor: 1, note: 'bug' } });
  await waitParked(c.groupId, 2);

  const dry = await replayDeadLetters(w.db, w.producer, {
    group: c.groupId,
    selection: { errorClass: 'RetriableError' },
    dryRun: true,
    requestedBy: 'bob',
  });
  expect(dry.matched.map((m) => m.errorClass)).toEqual(['RetriableError']);
  expect(dry.replayed).toBe(0);
  expect((await parked(c.groupId)).every((r) => r.status === 'parked')).toBe(true);

  const inWindow = await replayDeadLetters(w.db, w.producer, {
    group: c.groupId,
    selection: { from: before, to: new Date(Date.now() + 60_000) },
    dryRun: true,
    requestedBy: 'bob',
  });
  expect(inWindow.matched).toHaveLength(2);
  const outside = await replayDeadLetters(w.db, w.producer, {
    group: c.groupId,
    selection: { to: before },
    dryRun: true,
    requestedBy: 'bob',
  });
  expect(outside.matched).toHaveLength(0);
  await expect(
    replayDeadLetters(w.db, w.producer, { group: c.groupId, selection: {}, requestedBy: 'bob' }),
  ).rejects.toThrow(/say which messages/);

  const audit = await w.db.selectFrom('dlq_replays').selectAll().orderBy('id').execute();
  expect(audit.map((a) => [a.dry_run, a.matched, a.result])).toEqual([
    [true, 1, 'succeeded'],
    [true, 2, 'succeeded'],
    [true, 0, 'succeeded'],
  ]);
  // Nothing was sent to the replay topic: the group still has both parked and nothing resolved.
  expect((await parked(c.groupId)).map((r) => r.status)).toEqual(['parked', 'parked']);
  expect(replayTopic(c.groupId)).toBe(`${c.groupId}.replay`);
});

test('a circular flow between two services is cut by the hop limit', async () => {
  // Service A answers "ping" with "pong"; service B answers "pong" with "ping": forever, but for the limit.
  const bounce = (consumer: string, answer: string): Handler<TestDatabase, ThingV2> => ({
    type: thingV2,
    filter: { data: { note: [answer === 'pong' ? 'ping' : 'pong'] } },
    handle: async (event, tx) => {
      await w.recorder(consumer).handle(event, tx);
      const next = w.events.toMessage({
        type: thingV2,
        subject: event.data.orderId,
        data: { ...event.data, note: answer },
        cause: event.cause,
      });
      await w.producer.send({
        topic: w.topic,
        acks: -1,
        messages: [{ key: next.key, value: next.payload, headers: next.headers }],
      });
    },
  });
  const a = await w.consumer([bounce('a', 'pong')], { hopLimit: 5 });
  const b = await w.consumer([bounce('b', 'ping')], { hopLimit: 5, groupId: w.group('b') });
  await w.publish({
    type: thingV2,
    data: { orderId: 'loop', amount: { minor: 1, currency: 'EUR' }, note: 'ping' },
  });
  const cut = await eventually(async () => {
    const rows = [...(await parked(a.groupId)), ...(await parked(b.groupId))];
    return rows.length > 0 ? rows : undefined;
  });
  expect(cut).toEqual([expect.objectContaining({ reason: 'cycle', error_class: 'CycleError' })]);
  // Hops 0..5 were handled (six effects), the message with hop 6 was parked.
  expect(await w.effects()).toHaveLength(6);
});
