import { formatReport, median, percentile, runBenchmark, summarize, type BenchCase } from '../src/bench.js';

const noop = (name: string, ops: number, baseline?: string): BenchCase => ({
  name,
  unit: 'ops',
  ...(baseline === undefined ? {} : { baseline }),
  run: () => Promise.resolve(ops),
});

describe('bench harness', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes nearest-rank percentiles of sorted values', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(new Float64Array([3, 7]), 50)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it('compares each case with the baseline it names', () => {
    const cases = [noop('raw', 0), noop('ours', 0, 'raw')];
    const rates = new Map([
      ['raw', [100, 300, 200]],
      ['ours', [50, 90, 70]],
    ]);
    const [raw, ours] = summarize(cases, rates);
    expect(raw).toMatchObject({ median: 200, min: 100, max: 300 });
    expect(raw?.ratio).toBeUndefined();
    expect(ours).toMatchObject({ median: 70, ratio: 0.35, baseline: 'raw' });
    expect(formatReport([raw, ours].filter((r) => r !== undefined))).toMatch(
      /ours\s+70 ops\/s\s+50 – 90\s+0\.35× raw/,
    );
  });

  it('runs every case once per round, interleaved', async () => {
    const order: string[] = [];
    const tracked = (name: string): BenchCase => ({
      name,
      unit: 'ops',
      run: () => {
        order.push(name);
        return Promise.resolve(1);
      },
    });
    const results = await runBenchmark({ cases: [tracked('a'), tracked('b')], rounds: 3 });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(results.map((r) => r.rates.length)).toEqual([3, 3]);
  });

  it('refuses a case that names a baseline which does not exist', async () => {
    await expect(runBenchmark({ cases: [noop('ours', 1, 'missing')], rounds: 1 })).rejects.toThrow(
      /unknown baseline "missing"/,
    );
  });
});
