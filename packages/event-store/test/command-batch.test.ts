import type { Kysely, Transaction } from 'kysely';
import {
  aggregateStream,
  aggregateStreams,
  appendToStream,
  appendToStreams,
  ConcurrencyError,
  handleCommands,
  maybeSnapshot,
  readStream,
  type BatchOutcome,
  type EventStoreDatabase,
} from '../src/index.js';
import { added, counter, NotPositiveError, type CounterEvent, type CounterState } from './support/counter.js';
import { counts, openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore()));
afterAll(() => close());

const options = { streamType: 'counter', knownTypes: counter.eventTypes };
const snapshotting = { ...counter, snapshot: { every: 2, schemaVersion: 1 } };
let n = 0;
const fresh = (name: string) => `${name}-${++n}-${Date.now()}`;

describe('aggregateStreams', () => {
  it('loads many streams in one go, each as aggregateStream does: from a snapshot, from events, or empty', async () => {
    const [snapped, plain, none] = [fresh('snap'), fresh('plain'), fresh('none')];
    // Three events at every 2: a snapshot at version 2, one event after it.
    for (const [i, value] of [1, 2, 3].entries())
      await db.transaction().execute(async (tx) => {
        const appended = await appendToStream(tx, snapped, [added(value)], {
          ...options,
          expectedVersion: i,
        });
        const state = (await aggregateStream(tx, snapped, snapshotting)).state;
        await maybeSnapshot(tx, snapped, snapshotting, state, i, appended.nextExpectedVersion);
      });
    await appendToStream(db, plain, [added(5), added(6)], { ...options, expectedVersion: 'no-stream' });

    const loaded = await aggregateStreams(db, [plain, snapped, none, plain], snapshotting);
    expect([...loaded.keys()].sort()).toEqual([none, plain, snapped].sort());
    for (const id of [snapped, plain, none])
      expect(loaded.get(id)).toEqual(await aggregateStream(db, id, snapshotting));
    expect(loaded.get(snapped)).toMatchObject({
      state: { total: 6 },
      version: 3,
      fromSnapshot: 2,
      eventsRead: 1,
    });
    expect(loaded.get(none)).toEqual({ state: { total: 0, adds: 0 }, version: 0, eventsRead: 0 });
  });
});

describe('appendToStreams', () => {
  it('appends to every stream at its expected version in one statement', async () => {
    const [a, b] = [fresh('a'), fresh('b')];
    await appendToStream(db, a, [added(1)], { ...options, expectedVersion: 'no-stream' });
    const results = await appendToStreams(db, [
      { streamId: a, events: [added(2), added(3)], options: { ...options, expectedVersion: 1 } },
      {
        streamId: b,
        events: [added(4)],
        options: { ...options, expectedVersion: 'no-stream', causationId: 'c-b' },
      },
    ]);
    expect(results.map((r) => [r.streamId, r.nextExpectedVersion, r.events.map((e) => e.version)])).toEqual([
      [a, 3, [2, 3]],
      [b, 1, [1]],
    ]);
    expect((await readStream(db, a)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect((await readStream(db, b))[0]?.metadata).toMatchObject({ causationId: 'c-b' });
  });

  it('takes several parts of one stream, each with its own causation, chained by their expected versions', async () => {
    const a = fresh('a');
    const results = await appendToStreams(db, [
      {
        streamId: a,
        events: [added(1)],
        options: { ...options, expectedVersion: 'no-stream', causationId: 'p1' },
      },
      {
        streamId: a,
        events: [added(2), added(3)],
        options: { ...options, expectedVersion: 1, causationId: 'p2' },
      },
    ]);
    expect(results.map((r) => r.events.map((e) => e.version))).toEqual([[1], [2, 3]]);
    expect((await readStream(db, a)).map((e) => e.metadata.causationId)).toEqual(['p1', 'p2', 'p2']);
    await expect(
      appendToStreams(db, [
        { streamId: a, events: [added(1)], options: { ...options, expectedVersion: 3 } },
        { streamId: a, events: [added(1)], options: { ...options, expectedVersion: 3 } },
      ]),
    ).rejects.toThrow('follows one that leaves the stream at 4');
    expect(await readStream(db, a)).toHaveLength(3);
  });

  it('names the stream that moved, and a rollback leaves every stream as it was', async () => {
    const [a, b] = [fresh('a'), fresh('b')];
    await appendToStream(db, b, [added(1), added(1)], { ...options, expectedVersion: 'no-stream' });
    const before = await counts(db);
    const attempt = db.transaction().execute((tx) =>
      appendToStreams(tx, [
        { streamId: a, events: [added(1)], options: { ...options, expectedVersion: 'no-stream' } },
        { streamId: b, events: [added(1)], options: { ...options, expectedVersion: 1 } },
      ]),
    );
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({ streamId: b, expected: 1, actual: 2 });
    expect(await counts(db)).toEqual(before);
  });
});

describe('handleCommands', () => {
  it('decides a run in order — a second command to a stream sees the first — and appends it with each command’s own causation', async () => {
    const [a, b] = [fresh('a'), fresh('b')];
    await appendToStream(db, a, [added(10)], { ...options, expectedVersion: 'no-stream' });
    const seen: BatchOutcome<CounterState, CounterEvent>[][] = [];
    const outcomes = await db.transaction().execute((tx) =>
      handleCommands(tx as Transaction<unknown>, {
        decider: counter,
        commands: [
          { streamId: a, command: { type: 'Add', n: 1 }, causationId: 'm1', correlationId: 'k1' },
          { streamId: b, command: { type: 'Add', n: 2 }, causationId: 'm2', correlationId: 'k2' },
          { streamId: a, command: { type: 'Noop' }, causationId: 'm3' },
          { streamId: a, command: { type: 'Add', n: 3 }, causationId: 'm4', correlationId: 'k4' },
        ],
        afterAppend: (_tx, all) => {
          seen.push(all);
          return Promise.resolve();
        },
      }),
    );
    expect(outcomes.map((o) => [o.streamId, o.state.total, o.nextExpectedVersion, o.events.length])).toEqual([
      [a, 11, 2, 1],
      [b, 2, 1, 1],
      [a, 11, 2, 0],
      [a, 14, 3, 1],
    ]);
    expect(seen).toEqual([outcomes]);
    const stored = await readStream(db, a);
    expect(stored.map((e) => [e.version, e.data, e.metadata.causationId, e.metadata.correlationId])).toEqual([
      [1, { n: 10 }, expect.any(String), expect.any(String)],
      [2, { n: 1 }, 'm1', 'k1'],
      [3, { n: 3 }, 'm4', 'k4'],
    ]);
    expect(await aggregateStream(db, b, counter)).toMatchObject({ state: { total: 2 }, version: 1 });
  });

  it('fails the whole run on a domain error, before writing anything', async () => {
    const [a, b] = [fresh('a'), fresh('b')];
    const before = await counts(db);
    const run = db.transaction().execute((tx) =>
      handleCommands(tx as Transaction<unknown>, {
        decider: counter,
        commands: [
          { streamId: a, command: { type: 'Add', n: 1 } },
          { streamId: b, command: { type: 'Add', n: -1 } },
        ],
      }),
    );
    await expect(run).rejects.toBeInstanceOf(NotPositiveError);
    expect(await counts(db)).toEqual(before);
  });
});
