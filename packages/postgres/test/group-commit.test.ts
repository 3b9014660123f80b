import { GroupCommit } from '../src/index.js';

/** A gate the test opens: work waiting on it is "in flight". */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('GroupCommit', () => {
  it('starts a request at once when nothing is in flight, and groups what arrives meanwhile', async () => {
    const groups: number[][] = [];
    const first = gate();
    const commits = new GroupCommit<number, string>({
      concurrency: 1,
      together: (items) => {
        groups.push([...items]);
        return Promise.resolve(items.map((n) => `together ${n}`));
      },
      alone: async (n) => {
        groups.push([n]);
        if (n === 1) await first.wait;
        return `alone ${n}`;
      },
    });
    const one = commits.submit(1);
    const rest = [2, 3, 4].map((n) => commits.submit(n));
    expect(commits.waiting).toBe(3);
    first.open();
    expect(await one).toBe('alone 1');
    expect(await Promise.all(rest)).toEqual(['together 2', 'together 3', 'together 4']);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('runs every item of a failed group alone: only the bad one fails', async () => {
    const first = gate();
    const commits = new GroupCommit<number, number>({
      concurrency: 1,
      together: () => Promise.reject(new Error('the group failed')),
      alone: async (n) => {
        if (n === 0) await first.wait;
        if (n === 2) throw new Error(`bad ${n}`);
        return n * 10;
      },
    });
    const blocker = commits.submit(0);
    const results = [1, 2, 3].map((n) =>
      commits.submit(n).catch((error: unknown) => (error instanceof Error ? error.message : String(error))),
    );
    first.open();
    await blocker;
    expect(await Promise.all(results)).toEqual([10, 'bad 2', 30]);
  });

  it('keeps groups to maxSize and runs up to `concurrency` of them at once', async () => {
    const held: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const work = async (items: readonly number[]) => {
      sizes.push(items.length);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => held.push(resolve));
      inFlight--;
      return [...items];
    };
    const commits = new GroupCommit<number, number>({
      maxSize: 3,
      concurrency: 2,
      together: work,
      alone: async (n) => (await work([n]))[0] ?? n,
    });
    const all = Array.from({ length: 8 }, (_, n) => commits.submit(n));
    // Release whatever is held until everything is done.
    const done = Promise.all(all);
    for (let i = 0; i < 10 && held.length + sizes.length > 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const release of held.splice(0)) release();
    }
    expect(await done).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(most).toBe(2);
  });
});
