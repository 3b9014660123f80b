import { eventually, withDeadline } from '@acme/testing';
import type { Transaction } from 'kysely';
import { Registry } from 'prom-client';
import {
  cancelDeadline,
  DeadlineWorker,
  holdDeadline,
  schedule,
  type Deadline,
  type DeadlineHandler,
  type DeadlineWorkerOptions,
} from '../src/index.js';
import {
  deadlineRow,
  effects,
  inMs,
  scratchDatabase,
  type ScratchDatabase,
  type TestDatabase,
} from './support.js';

let scratch: ScratchDatabase;
const workers: DeadlineWorker<TestDatabase>[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  await scratch.drop();
});

/** A handler that records its effect in the claiming transaction. */
function record(worker = 'w'): DeadlineHandler<TestDatabase> {
  return async (deadline: Deadline, tx: Transaction<TestDatabase>) => {
    await tx.insertInto('effects').values({ kind: deadline.kind, key: deadline.key, worker }).execute();
  };
}

function startWorker(options: Partial<DeadlineWorkerOptions<TestDatabase>>): DeadlineWorker<TestDatabase> {
  const worker = new DeadlineWorker<TestDatabase>({
    db: scratch.db,
    kinds: {},
    pollMs: 20,
    backoff: { baseMs: 50, maxMs: 200 },
    ...options,
  });
  worker.start();
  workers.push(worker);
  return worker;
}

const fired = (kind: string, key: string) =>
  eventually(async () => (await deadlineRow(scratch.db, kind, key))?.fired_at ?? undefined, {
    intervalMs: 20,
    timeoutMs: 10_000,
    description: `${kind}/${key} fired`,
  });

describe('DeadlineWorker', () => {
  it('fires a committed deadline once, after it is due, with the handler write in the same transaction', async () => {
    const kind = 'fire-once';
    await scratch.db
      .transaction()
      .execute(async (tx) => {
        await schedule(tx, { kind, key: 'rolled-back', dueAt: inMs(-1000) });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    const dueAt = inMs(300);
    await scratch.db
      .transaction()
      .execute((tx) => schedule(tx, { kind, key: 'k1', dueAt, payload: { n: 1 } }));
    const seen: Deadline[] = [];
    startWorker({
      kinds: {
        [kind]: async (deadline, tx) => {
          seen.push(deadline);
          await record()(deadline, tx);
        },
      },
    });
    const firedAt = await fired(kind, 'k1');
    expect(firedAt.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(await effects(scratch.db, kind)).toEqual([{ kind, key: 'k1', worker: 'w' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind, key: 'k1', dueAt, payload: { n: 1 }, attempts: 0 });
    // Rolled back, so never there to fire.
    expect(await deadlineRow(scratch.db, kind, 'rolled-back')).toBeUndefined();
    expect(await cancelDeadline(scratch.db, { kind, key: 'k1' })).toBe(false);
  });

  it('rolls back a handler that writes and then throws, and fires the deadline later once fixed', async () => {
    const kind = 'write-then-throw';
    await schedule(scratch.db, { kind, key: 'k', dueAt: inMs(-10) });
    let broken = true;
    const failures: number[] = [];
    startWorker({
      kinds: {
        [kind]: async (deadline, tx) => {
          await record()(deadline, tx);
          if (broken) {
            failures.push(deadline.attempts);
            throw new Error('downstream said no');
          }
        },
      },
    });
    await eventually(
      async () => ((await deadlineRow(scratch.db, kind, 'k'))?.attempts ?? 0) >= 2 || undefined,
      {
        intervalMs: 20,
        description: 'two failed attempts',
      },
    );
    expect(await effects(scratch.db, kind)).toEqual([]);
    const failing = await deadlineRow(scratch.db, kind, 'k');
    expect(failing).toMatchObject({ last_error: 'downstream said no', fired_at: null });
    broken = false;
    await fired(kind, 'k');
    expect(await effects(scratch.db, kind)).toHaveLength(1);
    // Each attempt saw the count of the ones before it: failures were recorded one by one.
    expect(failures.slice(0, 2)).toEqual([0, 1]);
  });

  it('never fires a deadline cancelled before it is due', async () => {
    const kind = 'cancelled';
    await schedule(scratch.db, { kind, key: 'cancelled', dueAt: inMs(200) });
    await schedule(scratch.db, { kind, key: 'sentinel', dueAt: inMs(400) });
    expect(await cancelDeadline(scratch.db, { kind, key: 'cancelled' })).toBe(true);
    startWorker({ kinds: { [kind]: record() } });
    // The sentinel is due after the cancelled one: once it fired, the cancelled one had its chance.
    await fired(kind, 'sentinel');
    expect((await effects(scratch.db, kind)).map((e) => e.key)).toEqual(['sentinel']);
    expect(await deadlineRow(scratch.db, kind, 'cancelled')).toMatchObject({ fired_at: null, attempts: 0 });
    expect(await cancelDeadline(scratch.db, { kind, key: 'sentinel' })).toBe(false);
  });

  it('survives a stopped worker: a deadline due while no worker runs fires when one starts again', async () => {
    const kind = 'durable';
    const first = startWorker({ kinds: { [kind]: record('first') } });
    const dueAt = inMs(300);
    await schedule(scratch.db, { kind, key: 'k', dueAt });
    await withDeadline(first.stop(), 5000, 'stopping the first worker');
    await eventually(() => Promise.resolve(Date.now() > dueAt.getTime() + 100 ? true : undefined), {
      intervalMs: 20,
      description: 'the deadline to pass while no worker runs',
    });
    expect(await deadlineRow(scratch.db, kind, 'k')).toMatchObject({ fired_at: null });
    startWorker({ db: scratch.pool(2), kinds: { [kind]: record('second') } });
    await fired(kind, 'k');
    expect(await effects(scratch.db, kind)).toEqual([{ kind, key: 'k', worker: 'second' }]);
  });

  it('retries a failing deadline with backoff without blocking other keys or kinds', async () => {
    const registry = new Registry();
    await schedule(scratch.db, { kind: 'flaky', key: 'bad', dueAt: inMs(-100) });
    for (let i = 0; i < 5; i++) {
      await schedule(scratch.db, { kind: 'flaky', key: `good-${i}`, dueAt: inMs(-50 + i) });
      await schedule(scratch.db, { kind: 'steady', key: `s-${i}`, dueAt: inMs(-50 + i) });
    }
    startWorker({
      registry,
      kinds: {
        flaky: async (deadline, tx) => {
          if (deadline.key === 'bad') throw new Error(`attempt ${deadline.attempts + 1} failed`);
          await record()(deadline, tx);
        },
        steady: record(),
      },
    });
    await eventually(async () => ((await effects(scratch.db, 'flaky')).length === 5 ? true : undefined), {
      intervalMs: 20,
      description: 'the good flaky deadlines',
    });
    await eventually(async () => ((await effects(scratch.db, 'steady')).length === 5 ? true : undefined), {
      intervalMs: 20,
      description: 'the steady deadlines',
    });
    const bad = await eventually(
      async () => {
        const row = await deadlineRow(scratch.db, 'flaky', 'bad');
        return row && row.attempts >= 3 ? row : undefined;
      },
      { intervalMs: 20, description: 'three failed attempts' },
    );
    expect(bad.fired_at).toBeNull();
    expect(bad.last_error).toMatch(/^attempt \d+ failed$/);
    // Backed off: due again in the future, not hammering.
    expect(bad.due_at.getTime()).toBeGreaterThan(bad.created_at.getTime());
    const text = await registry.metrics();
    expect(text).toMatch(/deadlines_fired_total\{kind="flaky"\} 5/);
    expect(text).toMatch(/deadlines_fired_total\{kind="steady"\} 5/);
    expect(text).toMatch(/deadlines_failed_total\{kind="flaky"\} [3-9]/);
    await cancelDeadline(scratch.db, { kind: 'flaky', key: 'bad' });
  });

  it('serialises a cancel with an in-flight firing, and stop() lets the in-flight deadline finish', async () => {
    const kind = 'in-flight';
    await schedule(scratch.db, { kind, key: 'k', dueAt: inMs(-10) });
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const worker = startWorker({
      kinds: {
        [kind]: async (deadline, tx) => {
          entered();
          await gate;
          await record()(deadline, tx);
        },
      },
    });
    await withDeadline(handlerEntered, 10_000, 'waiting for the handler to run');
    // The row is locked by the firing transaction: the cancel waits for it, then finds it fired.
    const cancelled = cancelDeadline(scratch.pool(1), { kind, key: 'k' });
    const stopped = worker.stop();
    release();
    expect(await withDeadline(cancelled, 10_000, 'cancelling')).toBe(false);
    await withDeadline(stopped, 10_000, 'stopping');
    expect(await effects(scratch.db, kind)).toHaveLength(1);
    expect((await deadlineRow(scratch.db, kind, 'k'))?.fired_at).toBeInstanceOf(Date);
  });

  it('fires each of 200 deadlines exactly once with two workers on separate pools', async () => {
    const kind = 'contended';
    await scratch.db
      .insertInto('deadlines')
      .values(
        Array.from({ length: 200 }, (_, i) => ({
          kind,
          key: `k-${String(i).padStart(3, '0')}`,
          due_at: inMs(-1000 + i),
          payload: 'null',
        })),
      )
      .execute();
    startWorker({ db: scratch.pool(2), batchSize: 10, kinds: { [kind]: record('a') } });
    startWorker({ db: scratch.pool(2), batchSize: 10, kinds: { [kind]: record('b') } });
    await eventually(async () => ((await effects(scratch.db, kind)).length >= 200 ? true : undefined), {
      intervalMs: 50,
      description: '200 effects',
    });
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const all = await effects(scratch.db, kind);
    expect(all).toHaveLength(200);
    expect(new Set(all.map((e) => e.key)).size).toBe(200);
    const byWorker = new Map<string, number>();
    for (const e of all) byWorker.set(e.worker, (byWorker.get(e.worker) ?? 0) + 1);
    expect(byWorker.get('a')).toBeGreaterThan(0);
    expect(byWorker.get('b')).toBeGreaterThan(0);
    const { unfired } = await scratch.db
      .selectFrom('deadlines')
      .select((eb) => eb.fn.countAll<string>().as('unfired'))
      .where('kind', '=', kind)
      .where('fired_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(unfired)).toBe(0);
  });

  it('reports pending deadlines per kind and how overdue the oldest due one is', async () => {
    const registry = new Registry();
    // A kind no worker handles piles up.
    await schedule(scratch.db, { kind: 'orphan', key: 'o1', dueAt: inMs(-5000) });
    await schedule(scratch.db, { kind: 'orphan', key: 'o2', dueAt: inMs(-1000) });
    await schedule(scratch.db, { kind: 'orphan', key: 'o3', dueAt: inMs(3600_000) });
    const worker = new DeadlineWorker<TestDatabase>({
      db: scratch.db,
      kinds: { watched: record() },
      registry,
    });
    const metric = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values ?? [];
    const pending = await metric('deadlines_pending');
    expect(pending).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { kind: 'orphan' }, value: 3 }),
        expect.objectContaining({ labels: { kind: 'watched' }, value: 0 }),
      ]),
    );
    const [overdue] = await metric('deadlines_overdue_seconds');
    expect(overdue?.value).toBeGreaterThanOrEqual(5);
    expect(overdue?.value).toBeLessThan(60);
    // Drained: the gauges follow at the next scrape.
    await cancelDeadline(scratch.db, { kind: 'orphan', key: 'o1' });
    await cancelDeadline(scratch.db, { kind: 'orphan', key: 'o2' });
    await cancelDeadline(scratch.db, { kind: 'orphan', key: 'o3' });
    expect(await metric('deadlines_pending')).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { kind: 'orphan' }, value: 0 })]),
    );
    await eventually(async () => {
      const [o] = await metric('deadlines_overdue_seconds');
      return o?.value === 0 ? true : undefined;
    });
    // A worker that is never started needs no stop; fireNext works on it directly.
    expect(await worker.fireNext()).toBe('none');
  });
});

describe('holdDeadline', () => {
  it('keeps a due deadline from firing while the holder changes its subject and cancels it, without a deadlock', async () => {
    const fired: string[] = [];
    await schedule(scratch.db, { kind: 'held', key: 'h1', dueAt: inMs(-1000) });
    const worker = new DeadlineWorker<TestDatabase>({
      db: scratch.db,
      kinds: {
        held: (deadline) => {
          fired.push(deadline.key);
          return Promise.resolve();
        },
      },
    });
    await scratch.db.transaction().execute(async (tx) => {
      expect(await holdDeadline(tx, { kind: 'held', key: 'h1' })).toBe(true);
      // A worker's round meanwhile skips the held row rather than waiting on it.
      expect(await worker.fireNext()).toBe('none');
      expect(await cancelDeadline(tx, { kind: 'held', key: 'h1' })).toBe(true);
    });
    expect(await worker.fireNext()).toBe('none');
    expect(fired).toEqual([]);
    expect((await deadlineRow(scratch.db, 'held', 'h1'))?.cancelled_at).toBeInstanceOf(Date);
  });

  it('says when there is nothing pending to hold, and refuses to run outside a transaction', async () => {
    await scratch.db.transaction().execute(async (tx) => {
      expect(await holdDeadline(tx, { kind: 'held', key: 'never-scheduled' })).toBe(false);
    });
    await expect(holdDeadline(scratch.db, { kind: 'held', key: 'h1' })).rejects.toThrow(/transaction/);
  });
});
