import { cancelDeadline, cancelDeadlines, holdDeadlines, schedule, scheduleMany } from '../src/index.js';
import { deadlineRow, inMs, scratchDatabase, type ScratchDatabase } from './support.js';

let scratch: ScratchDatabase;

beforeAll(async () => {
  scratch = await scratchDatabase();
});

afterAll(async () => {
  await scratch.drop();
});

const kind = 'order.timeout';
let n = 0;
const key = () => `many-${++n}`;

describe('scheduleMany', () => {
  it('schedules many in one statement with schedule’s rules: pending ones move, finished ones stay, the last of a key wins', async () => {
    const [fresh, pending, finished] = [key(), key(), key()];
    await schedule(scratch.db, { kind, key: pending, dueAt: inMs(60_000), payload: 'old' });
    await schedule(scratch.db, { kind, key: finished, dueAt: inMs(60_000) });
    await cancelDeadline(scratch.db, { kind, key: finished });
    const due = inMs(120_000);
    await scratch.db.transaction().execute((tx) =>
      scheduleMany(tx, [
        { kind, key: fresh, dueAt: inMs(1_000), payload: { first: true } },
        { kind, key: pending, dueAt: due, payload: { moved: true } },
        { kind, key: finished, dueAt: due },
        { kind, key: fresh, dueAt: due, payload: { last: true } },
      ]),
    );
    expect(await deadlineRow(scratch.db, kind, fresh)).toMatchObject({
      due_at: due,
      payload: { last: true },
    });
    expect(await deadlineRow(scratch.db, kind, pending)).toMatchObject({
      due_at: due,
      payload: { moved: true },
    });
    const stays = await deadlineRow(scratch.db, kind, finished);
    expect(stays?.due_at).not.toEqual(due);
    expect(stays?.cancelled_at).not.toBeNull();
  });

  it('refuses bad input before writing anything', async () => {
    const good = key();
    await expect(
      scheduleMany(scratch.db, [
        { kind, key: good, dueAt: inMs(1_000) },
        { kind, key: '', dueAt: inMs(1_000) },
      ]),
    ).rejects.toThrow('key must be a non-empty string');
    expect(await deadlineRow(scratch.db, kind, good)).toBeUndefined();
  });
});

describe('holdDeadlines and cancelDeadlines', () => {
  it('hold the pending ones of many keys and cancel them in one statement each', async () => {
    const [a, b, gone] = [key(), key(), key()];
    for (const k of [a, b, gone]) await schedule(scratch.db, { kind, key: k, dueAt: inMs(60_000) });
    await cancelDeadline(scratch.db, { kind, key: gone });
    const { held, cancelled } = await scratch.db.transaction().execute(async (tx) => ({
      held: await holdDeadlines(tx, kind, [b, a, gone, 'never-scheduled']),
      cancelled: await cancelDeadlines(tx, kind, [a, b, gone]),
    }));
    expect({ held, cancelled }).toEqual({ held: 2, cancelled: 2 });
    for (const k of [a, b]) expect((await deadlineRow(scratch.db, kind, k))?.cancelled_at).not.toBeNull();
  });

  it('holdDeadlines needs a transaction', async () => {
    await expect(holdDeadlines(scratch.db, kind, [key()])).rejects.toThrow("needs the caller's transaction");
  });
});
