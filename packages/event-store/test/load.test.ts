/**
 * Must-show: 8 concurrent writers × 10,000 commands over 1,000 streams. Afterwards every stream's
 * versions are contiguous from 1, no command is lost, and global positions are unique.
 */
import { sql, type Kysely } from 'kysely';
import { handleCommand, type EventStoreDatabase } from '../src/index.js';
import { counter } from './support/counter.js';
import { openStore } from './support/store.js';

const writers = 8;
const commandsPerWriter = 10_000;
const streams = 1_000;

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore(writers + 2)));
afterAll(() => close());

/** A small deterministic PRNG (mulberry32), so a failure can be replayed with the same streams. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it(`keeps ${writers} writers × ${commandsPerWriter} commands over ${streams} streams consistent`, async () => {
  const decider = { ...counter, snapshot: { every: 20, schemaVersion: 1 } };
  const sent = new Map<string, number>();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const next = random(writer + 1);
      for (let i = 0; i < commandsPerWriter; i++) {
        const streamId = `load-${Math.floor(next() * streams)}`;
        sent.set(streamId, (sent.get(streamId) ?? 0) + 1);
        await handleCommand(db, { decider, streamId, command: { type: 'Add', n: 1 }, maxAttempts: 1000 });
      }
    }),
  );

  const perStream = await db
    .selectFrom('events')
    .select((e) => [
      'stream_id',
      e.fn.countAll<bigint>().as('events'),
      e.fn.min('version').as('first'),
      e.fn.max('version').as('last'),
    ])
    .groupBy('stream_id')
    .execute();
  const contiguous = perStream.filter((s) => s.first === 1 && s.last === Number(s.events));
  expect(contiguous).toHaveLength(sent.size);
  // Nothing lost: each stream holds exactly the commands sent to it.
  const lost = perStream.filter((s) => Number(s.events) !== sent.get(s.stream_id));
  expect(lost).toEqual([]);

  const totals = await sql<{ events: bigint; positions: bigint }>`
    SELECT count(*) AS events, count(DISTINCT global_position) AS positions FROM events`.execute(db);
  expect(totals.rows[0]).toEqual({
    events: BigInt(writers * commandsPerWriter),
    positions: BigInt(writers * commandsPerWriter),
  });
}, 600_000);
