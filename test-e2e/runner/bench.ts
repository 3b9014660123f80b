/**
 * `pnpm bench <name> [--rounds N]`: bring the real stack up (it keeps running), run one benchmark in
 * interleaved rounds and print medians beside the baseline measured in the same run.
 * `pnpm bench --list` names the benchmarks. Figures are for notes and reviews, never test assertions.
 */
import { endpoints, loadStackConfig, up } from '@acme/stack';
import { stackFromEnvironment, type TestStack } from '@acme/testing';
import { formatReport, runBenchmark, type BenchCase } from '@acme/testing/bench';
import { Command, InvalidArgumentError } from 'commander';
import { baselineCases } from '../bench/baseline.js';

interface Benchmark {
  description: string;
  /** The cases to run (baselines included) and how to clean up after them. */
  prepare(stack: TestStack): Promise<{ cases: BenchCase[]; close(): Promise<void> }>;
}

const benchmarks: Record<string, Benchmark> = {
  baseline: {
    description: 'raw pg inserts, raw kafkajs produce and consume — the reference for every other benchmark',
    prepare: (stack) => baselineCases(stack),
  },
};

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

const program = new Command('pnpm bench')
  .description('Benchmarks on the real stack; medians of interleaved rounds, each case beside its baseline.')
  .argument('[name]', `one of: ${Object.keys(benchmarks).join(', ')}`)
  .option('-r, --rounds <n>', 'rounds (each runs every case once)', positiveInt, 5)
  .option('-l, --list', 'list the benchmarks')
  .action(async (name: string | undefined, options: { rounds: number; list?: boolean }) => {
    if (options.list || name === undefined) {
      for (const [key, b] of Object.entries(benchmarks)) console.log(`${key.padEnd(12)} ${b.description}`);
      return;
    }
    const benchmark = benchmarks[name];
    if (!benchmark) throw new Error(`unknown benchmark "${name}"; try --list`);

    const config = loadStackConfig(process.env);
    let stack = stackFromEnvironment();
    if (!stack) {
      await up(config, { renderer: process.stdout.isTTY ? 'default' : 'simple' });
      stack = stackFromEnvironment({ ...endpoints(config) });
    }
    if (!stack) throw new Error('the stack endpoints are incomplete');

    const prepared = await benchmark.prepare(stack);
    const { cases } = prepared;
    try {
      console.log(
        `\n${name}: ${options.rounds} rounds of ${cases.length} cases (${new Date().toISOString()})`,
      );
      const results = await runBenchmark({
        cases,
        rounds: options.rounds,
        interactive: process.stdout.isTTY,
        log: (line) => {
          console.log(`  ${line}`);
        },
      });
      console.log(`\n${formatReport(results)}`);
    } finally {
      await prepared.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
