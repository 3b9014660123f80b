import { randomUUID } from 'node:crypto';
import { testStack } from '@acme/testing';
import { sql, type Generated, type Kysely } from 'kysely';
import { afterCursor, connect, finishedTransaction, start, type CommitCursor } from '../src/index.js';

type Db = Record<string, { position: Generated<bigint>; transaction_id: Generated<bigint>; label: string }>;

const table = `commit_order_${randomUUID().slice(0, 8)}`;
let db: Kysely<Db>;

async function readAfter(cursor: CommitCursor): Promise<{ label: string; cursor: CommitCursor }[]> {
  const rows = await db
    .selectFrom(table)
    .select(['position', 'transaction_id', 'label'])
    .where(finishedTransaction('transaction_id'))
    .where(afterCursor(cursor, 'transaction_id', 'position'))
    .orderBy('transaction_id')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    label: r.label,
    cursor: { transactionId: r.transaction_id, position: r.position },
  }));
}

beforeAll(async () => {
  const stack = testStack();
  db = connect<Db>({ url: stack.databaseUrl, database: 'orders', max: 4 });
  await sql`CREATE TABLE ${sql.table(table)} (
    position bigserial PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    label text NOT NULL)`.execute(db);
});

afterAll(async () => {
  await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  await db.destroy();
});

describe('commit-order reads', () => {
  it('never skips a row whose transaction took an early position and committed late', async () => {
    let releaseEarly: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseEarly = resolve));
    let earlyInserted: () => void = () => undefined;
    const inserted = new Promise<void>((resolve) => (earlyInserted = resolve));

    // Transaction "early" takes the lower position and stays open…
    const early = db.transaction().execute(async (tx) => {
      await tx.insertInto(table).values({ label: 'early' }).execute();
      earlyInserted();
      await held;
    });
    await inserted;
    // …while "late" takes a higher position and commits first.
    await db.insertInto(table).values({ label: 'late' }).execute();

    const positions = await db.selectFrom(table).select(['label', 'position']).orderBy('position').execute();
    expect(positions.map((p) => p.label)).toEqual(['late']); // "early" is not even visible yet

    // A reader must not move past "early": it sees nothing until the horizon passes it.
    expect(await readAfter(start)).toEqual([]);

    releaseEarly();
    await early;
    const all = await db.selectFrom(table).select(['label', 'position']).orderBy('position').execute();
    expect(all.map((p) => p.label)).toEqual(['early', 'late']); // early has the lower position

    const read = await readAfter(start);
    expect(read.map((r) => r.label)).toEqual(['early', 'late']);
    // And a reader resuming from its checkpoint gets nothing twice.
    const last = read.at(-1)?.cursor ?? start;
    expect(await readAfter(last)).toEqual([]);
  });

  it('resumes after a checkpoint with only the rows committed since', async () => {
    const before = await readAfter(start);
    const checkpoint = before.at(-1)?.cursor ?? start;
    await db.insertInto(table).values({ label: 'next' }).execute();
    await db.insertInto(table).values({ label: 'after-next' }).execute();
    expect((await readAfter(checkpoint)).map((r) => r.label)).toEqual(['next', 'after-next']);
  });

  it('returns 64-bit columns as bigint', async () => {
    const [row] = await readAfter(start);
    expect(typeof row?.cursor.position).toBe('bigint');
    expect(typeof row?.cursor.transactionId).toBe('bigint');
  });
});
