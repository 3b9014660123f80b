import type { Kysely } from 'kysely';
import { appendToStream, readAll, type EventStoreDatabase } from '../src/index.js';
import { start } from '@acme/postgres';
import { added, counter } from './support/counter.js';
import { openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore()));
afterAll(() => close());

const options = { streamType: 'counter', knownTypes: counter.eventTypes, expectedVersion: 'any' as const };

async function drain(after = start, limit = 1000) {
  const seen: string[] = [];
  let cursor = after;
  for (;;) {
    const page = await readAll(db, { after: cursor, limit });
    if (page.events.length === 0) return { seen, cursor };
    seen.push(...page.events.map((e) => `${e.streamId}@${e.version}`));
    cursor = page.next;
  }
}

describe('readAll (commit order)', () => {
  it('pages through every stream in commit order without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++) await appendToStream(db, `s-${i % 2}`, [added(i)], options);
    const { seen } = await drain(start, 2);
    expect(seen).toEqual(['s-0@1', 's-1@1', 's-0@2', 's-1@2', 's-0@3']);
  });

  it('never skips an event whose transaction took an early position and committed late', async () => {
    const { cursor: checkpoint } = await drain();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended: () => void = () => undefined;
    const early = new Promise<void>((resolve) => (appended = resolve));

    const slow = db.transaction().execute(async (tx) => {
      await appendToStream(tx, 'slow', [added(1)], options);
      appended();
      await held;
    });
    await early;
    await appendToStream(db, 'fast', [added(2)], options);

    // "fast" is committed but comes after a running transaction: a reader must wait, not skip.
    const whileOpen = await drain(checkpoint);
    expect(whileOpen.seen).toEqual([]);
    expect(whileOpen.cursor).toEqual(checkpoint);

    release();
    await slow;
    const [slowEvent] = (await readAll(db, { after: checkpoint })).events;
    const after = await drain(checkpoint);
    expect(after.seen).toEqual(['slow@1', 'fast@1']);
    // The early transaction really did take the lower global position.
    expect(slowEvent?.streamId).toBe('slow');
    const fast = (await readAll(db, { after: checkpoint })).events.find((e) => e.streamId === 'fast');
    expect(slowEvent?.globalPosition).toBeLessThan(fast?.globalPosition ?? 0n);
  });
});
