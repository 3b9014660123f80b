import { snapshotStream } from '../../src/dashboard/snapshot-stream.js';

// Fake timers: the poll's interval is rxjs's setInterval, so time is advanced, never waited for.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function counter() {
  const state = { loads: 0, value: 1, errors: [] as unknown[] };
  const stream = snapshotStream(
    () => {
      state.loads += 1;
      return Promise.resolve({ value: state.value });
    },
    { intervalMs: 1000, key: (s) => String(s.value), onError: (e) => state.errors.push(e) },
  );
  return { state, stream };
}

test('loads at once, then only sends a snapshot when it changed', async () => {
  const { state, stream } = counter();
  const seen: number[] = [];
  const subscription = stream.subscribe((s) => seen.push(s.value));
  await jest.advanceTimersByTimeAsync(0);
  expect(seen).toEqual([1]);
  await jest.advanceTimersByTimeAsync(3000);
  expect(state.loads).toBe(4);
  expect(seen).toEqual([1]);
  state.value = 2;
  await jest.advanceTimersByTimeAsync(1000);
  expect(seen).toEqual([1, 2]);
  subscription.unsubscribe();
});

test('listeners share one poll; a new one gets the latest snapshot at once', async () => {
  const { state, stream } = counter();
  const first = stream.subscribe(() => undefined);
  await jest.advanceTimersByTimeAsync(2000);
  const seen: number[] = [];
  const second = stream.subscribe((s) => seen.push(s.value));
  expect(seen).toEqual([1]);
  await jest.advanceTimersByTimeAsync(2000);
  expect(state.loads).toBe(5); // t = 0, 1, 2, 3, 4 s: one load per tick for both
  first.unsubscribe();
  second.unsubscribe();
});

test('no timer and no load once nobody listens; the next listener starts afresh', async () => {
  const { state, stream } = counter();
  const subscription = stream.subscribe(() => undefined);
  await jest.advanceTimersByTimeAsync(1000);
  subscription.unsubscribe();
  const loads = state.loads;
  expect(jest.getTimerCount()).toBe(0);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(state.loads).toBe(loads);

  const seen: number[] = [];
  const again = stream.subscribe((s) => seen.push(s.value));
  await jest.advanceTimersByTimeAsync(0);
  expect(seen).toEqual([1]);
  again.unsubscribe();
});

test('a failed load skips one look and the stream goes on', async () => {
  let fail = true;
  const errors: unknown[] = [];
  const stream = snapshotStream(
    () => (fail ? Promise.reject(new Error('database restarting')) : Promise.resolve(7)),
    { intervalMs: 1000, key: String, onError: (e) => errors.push(e) },
  );
  const seen: number[] = [];
  const subscription = stream.subscribe((n) => seen.push(n));
  await jest.advanceTimersByTimeAsync(0);
  expect(seen).toEqual([]);
  expect(errors).toHaveLength(1);
  fail = false;
  await jest.advanceTimersByTimeAsync(1000);
  expect(seen).toEqual([7]);
  subscription.unsubscribe();
});
