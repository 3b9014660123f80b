import { percentile } from '@acme/testing/bench';

/**
 * Per-append latencies, kept beside the harness (which reports rates only): every case records
 * into its own recorder across all rounds, and the percentiles are printed after the run.
 */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private size = 0;

  constructor(readonly name: string) {}

  /** One operation's latency in milliseconds. */
  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank percentiles (p in 0–100) over every sample so far. */
  percentiles(ps: readonly number[]): number[] {
    const sorted = this.samples.slice(0, this.size).sort();
    return ps.map((p) => percentile(sorted, p));
  }
}

/** A fixed-width table: case, p50, p99 and max per operation, and how many samples they cover. */
export function formatLatencies(recorders: readonly LatencyRecorder[]): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const rows = recorders.map((r) => {
    const [p50 = Number.NaN, p99 = Number.NaN, max = Number.NaN] = r.percentiles([50, 99, 100]);
    return [r.name, ms(p50), ms(p99), ms(max), r.count.toLocaleString('en-US')];
  });
  const header = ['case (latency per append, all rounds)', 'p50', 'p99', 'max', 'samples'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
