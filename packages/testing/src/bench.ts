/**
 * A small benchmark harness for `pnpm bench <name>`: cases run in interleaved rounds (A B C, A B C…)
 * so machine noise hits every case alike, figures are medians over the rounds, and every case is
 * shown beside the baseline it names, measured in the same run. Never used to assert timings in tests.
 *
 * @example
 *   const report = await runBenchmark({
 *     rounds: 5,
 *     cases: [
 *       { name: 'raw pg insert', unit: 'rows', run: rawInsert },
 *       { name: 'event store append', unit: 'events', baseline: 'raw pg insert', run: append },
 *     ],
 *   });
 *   console.log(formatReport(report));
 */
import { join } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { loadStackConfig, StackLease } from '@acme/stack';
import closeWithGrace from 'close-with-grace';
import { provideStack, releaseStack, type TestStack } from './stack-provider.js';

export interface BenchCase {
  name: string;
  /** What one operation is ("rows", "messages", "events"). */
  unit: string;
  /** Name of the case this one is compared with; a baseline names none. */
  baseline?: string;
  /**
   * One measured run: do the work and return how many operations it did — or, when the run has a
   * set-up phase that must not count (a consumer group joining), the operations and the seconds
   * the measured part took.
   */
  run(progress: (done: number, total: number) => void): Promise<number | { ops: number; seconds: number }>;
}

export interface BenchOptions {
  cases: readonly BenchCase[];
  rounds: number;
  /** Draw progress bars (on a terminal); otherwise print one line per finished run. */
  interactive?: boolean;
  log?: (line: string) => void;
}

export interface CaseResult {
  name: string;
  unit: string;
  baseline?: string;
  /** Operations per second, one per round. */
  rates: number[];
  median: number;
  min: number;
  max: number;
  /** median / the baseline's median, when there is a baseline. */
  ratio?: number;
}

export async function runBenchmark(options: BenchOptions): Promise<CaseResult[]> {
  const { cases, rounds } = options;
  for (const c of cases) {
    if (c.baseline !== undefined && !cases.some((other) => other.name === c.baseline))
      throw new Error(`case "${c.name}" names an unknown baseline "${c.baseline}"`);
  }
  const log = options.log ?? (() => undefined);
  const rates = new Map(cases.map((c) => [c.name, [] as number[]]));
  const bars = options.interactive
    ? new MultiBar(
        { format: ' {bar} {percentage}% | {label}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
    : undefined;
  const overall = bars?.create(rounds * cases.length, 0, { label: 'runs' });
  const current = bars?.create(1, 0, { label: '' });
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const c of cases) {
        const label = `round ${round}/${rounds} · ${c.name}`;
        current?.start(1, 0, { label });
        const started = process.hrtime.bigint();
        const outcome = await c.run((done, total) => {
          current?.setTotal(total);
          current?.update(done, { label });
        });
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        const { ops, seconds } = typeof outcome === 'number' ? { ops: outcome, seconds: elapsed } : outcome;
        const rate = ops / seconds;
        rates.get(c.name)?.push(rate);
        overall?.increment(1, { label: 'runs' });
        if (!bars) log(`${label}: ${formatRate(rate)} ${c.unit}/s (${ops} in ${seconds.toFixed(2)} s)`);
      }
    }
  } finally {
    bars?.stop();
  }
  return summarize(cases, rates);
}

/** Medians, spreads and ratios from the rates of every round. */
export function summarize(cases: readonly BenchCase[], rates: ReadonlyMap<string, number[]>): CaseResult[] {
  const medians = new Map(cases.map((c) => [c.name, median(rates.get(c.name) ?? [])]));
  return cases.map((c) => {
    const list = rates.get(c.name) ?? [];
    const own = medians.get(c.name) ?? Number.NaN;
    const base = c.baseline === undefined ? undefined : medians.get(c.baseline);
    return {
      name: c.name,
      unit: c.unit,
      ...(c.baseline === undefined ? {} : { baseline: c.baseline }),
      rates: list,
      median: own,
      min: Math.min(...list),
      max: Math.max(...list),
      ...(base === undefined ? {} : { ratio: own / base }),
    };
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Nearest-rank percentile (p in 0–100) of values sorted ascending; NaN when there are none.
 *
 * @example
 *   percentile([1, 2, 3, 4], 50); // 2
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString('en-US');
}

/** A fixed-width table: case, median rate, min–max over the rounds, ratio to the baseline. */
export function formatReport(results: readonly CaseResult[]): string {
  const rows = results.map((r) => [
    r.name,
    `${formatRate(r.median)} ${r.unit}/s`,
    `${formatRate(r.min)} – ${formatRate(r.max)}`,
    r.ratio === undefined ? 'baseline' : `${r.ratio.toFixed(2)}× ${r.baseline ?? ''}`,
  ]);
  const header = ['case', 'median', 'min – max', 'vs baseline'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A named benchmark: its cases (baselines included) on the real stack, and how to clean up after them. */
/** What the command line asks of a benchmark besides its rounds. */
export interface BenchRunOptions {
  /**
   * `--profile`: a folder (under the stack's state folder) where a benchmark that runs processes
   * has each of them write its V8 CPU profile; unset when not profiling.
   */
  profileDir?: string;
}

export interface Benchmark {
  description: string;
  prepare(
    stack: TestStack,
    options: BenchRunOptions,
  ): Promise<{ cases: BenchCase[]; close(): Promise<void> }>;
}

/**
 * The command line behind `pnpm bench` (root and per package): `<name> [--rounds N]`, `--list`.
 * Gets the real stack as the test suites do (`provideStack`); the native stack parts it started are
 * stopped at the end, also after a failure or Ctrl-C.
 *
 * @example
 *   // packages/outbox/bench/main.ts
 *   await benchMain({ relay: relayBenchmark });
 */
export async function benchMain(benchmarks: Record<string, Benchmark>, argv = process.argv): Promise<void> {
  const program = new Command('bench')
    .description(
      'Benchmarks on the real stack; medians of interleaved rounds, each case beside its baseline.',
    )
    .argument('[name]', `one of: ${Object.keys(benchmarks).join(', ')}`)
    .option('-r, --rounds <n>', 'rounds (each runs every case once)', positiveInt, 5)
    .option('-l, --list', 'list the benchmarks')
    .option('-p, --profile', 'have the processes a benchmark runs write CPU profiles (under .stack/profiles)')
    .action(
      async (name: string | undefined, options: { rounds: number; list?: boolean; profile?: boolean }) => {
        if (options.list || name === undefined) {
          for (const [key, b] of Object.entries(benchmarks)) log(`${key.padEnd(14)} ${b.description}`);
          return;
        }
        const benchmark = benchmarks[name];
        if (!benchmark) throw new Error(`unknown benchmark "${name}"; try --list`);
        // The stack parts started here are stopped at the end, also after a failure or Ctrl-C.
        const config = loadStackConfig(process.env);
        const lease = new StackLease(config);
        const runOptions: BenchRunOptions = options.profile
          ? {
              profileDir: join(
                config.stackDir,
                'profiles',
                `${name}-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}`,
              ),
            }
          : {};
        let prepared: Awaited<ReturnType<Benchmark['prepare']>> | undefined;
        const close = async () => {
          await prepared?.close();
          prepared = undefined;
          await releaseStack();
          await lease.release();
        };
        const interrupt = closeWithGrace({ delay: 60_000, skip: ['beforeExit'] }, async ({ signal, err }) => {
          process.stderr.write(
            `\n${signal ?? err?.message ?? 'stopping'}: stopping the benchmark and the stack parts it started\n`,
          );
          await close();
          process.exit(1);
        });
        try {
          const stack = await provideStack({ renderer: process.stdout.isTTY ? 'default' : 'simple', lease });
          prepared = await benchmark.prepare(stack, runOptions);
          log(
            `\n${name}: ${options.rounds} rounds of ${prepared.cases.length} cases (${new Date().toISOString()})`,
          );
          const results = await runBenchmark({
            cases: prepared.cases,
            rounds: options.rounds,
            interactive: process.stdout.isTTY,
            log: (line) => {
              log(`  ${line}`);
            },
          });
          log(`\n${formatReport(results)}`);
        } finally {
          interrupt.uninstall();
          await close();
        }
        if (runOptions.profileDir)
          log(`\nCPU profiles (open in Chrome DevTools or speedscope): ${runOptions.profileDir}`);
      },
    );
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
