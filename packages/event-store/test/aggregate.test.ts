import type { Kysely } from 'kysely';
import { eventually } from '@acme/testing';
import {
  aggregateStream,
  appendToStream,
  handleCommand,
  readStream,
  type EventStoreDatabase,
} from '../src/index.js';
import { added, counter } from './support/counter.js';
import { openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore()));
afterAll(() => close());

const options = { streamType: 'counter', knownTypes: counter.eventTypes };

describe('aggregateStream', () => {
  it('folds the whole stream, or the stream as of a version or an instant (time travel)', async () => {
    await appendToStream(db, 'tt', [added(1), added(2)], { ...options, expectedVersion: 'no-stream' });
    const [{ now }] = (await db
      .selectNoFrom((e) => e.fn<Date>('clock_timestamp', []).as('now'))
      .execute()) as [{ now: Date }];
    // `asOf` covers its whole millisecond: the next event must land in a later one.
    await eventually(
      async () => {
        const [{ later }] = (await db
          .selectNoFrom((e) => e.fn<Date>('clock_timestamp', []).as('later'))
          .execute()) as [{ later: Date }];
        return later.getTime() > now.getTime() ? true : undefined;
      },
      { timeoutMs: 1000, intervalMs: 1, description: 'the clock to pass a millisecond' },
    );
    await appendToStream(db, 'tt', [added(10)], { ...options, expectedVersion: 2 });
    const second = (await readStream(db, 'tt'))[1];
    if (!second) throw new Error('the stream has its second event');
    // An event's own recordedAt, given back, includes that event.
    expect(await aggregateStream(db, 'tt', counter, { asOf: second.recordedAt })).toMatchObject({
      version: 2,
    });

    expect(await aggregateStream(db, 'tt', counter)).toMatchObject({
      state: { total: 13, adds: 3 },
      version: 3,
    });
    expect(await aggregateStream(db, 'tt', counter, { asOfVersion: 1 })).toMatchObject({
      state: { total: 1 },
      version: 1,
    });
    expect(await aggregateStream(db, 'tt', counter, { asOf: now })).toMatchObject({
      state: { total: 3 },
      version: 2,
    });
    expect(await aggregateStream(db, 'tt', counter, { asOf: new Date(0) })).toMatchObject({
      state: { total: 0 },
      version: 0,
    });
    expect(await aggregateStream(db, 'nothing-here', counter)).toEqual({
      state: { total: 0, adds: 0 },
      version: 0,
      eventsRead: 0,
    });
  });

  it('snapshots every N events and folds only the events after the snapshot', async () => {
    const snapshotting = { ...counter, snapshot: { every: 5, schemaVersion: 1 } };
    for (let i = 1; i <= 12; i++)
      await handleCommand(db, { decider: snapshotting, streamId: 'snap', command: { type: 'Add', n: i } });
    const loaded = await aggregateStream(db, 'snap', snapshotting);
    expect(loaded).toEqual({ state: { total: 78, adds: 12 }, version: 12, fromSnapshot: 10, eventsRead: 2 });

    // Time travel to before the snapshot ignores it.
    expect(await aggregateStream(db, 'snap', snapshotting, { asOfVersion: 7 })).toEqual({
      state: { total: 28, adds: 7 },
      version: 7,
      eventsRead: 7,
    });
  });

  it('ignores snapshots of another schema version and rebuilds from the events', async () => {
    const bumped = { ...counter, snapshot: { every: 5, schemaVersion: 2 } };
    const loaded = await aggregateStream(db, 'snap', bumped);
    expect(loaded).toEqual({ state: { total: 78, adds: 12 }, version: 12, eventsRead: 12 });
    // The next command crossing a multiple of 5 writes a snapshot of the new version.
    for (let i = 13; i <= 15; i++)
      await handleCommand(db, { decider: bumped, streamId: 'snap', command: { type: 'Add', n: i } });
    expect(await aggregateStream(db, 'snap', bumped)).toMatchObject({
      version: 15,
      fromSnapshot: 15,
      eventsRead: 0,
    });
  });
});
