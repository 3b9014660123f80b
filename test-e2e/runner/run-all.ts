/**
 * `pnpm test`: every check and every suite, on the real stack, ending with one line
 * `N passed, N failed`. Starts the parts of the stack that are not running and stops exactly those
 * at the end, pass or fail (KEEP_STACK=1 leaves them up). Endpoints already in the environment
 * (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL) are used as they are.
 *
 * Interrupted (Ctrl-C, SIGTERM, SIGHUP), it stops the step under way — each step runs in a process
 * group of its own, so the services a suite started go with it — then the stack parts it started,
 * prints the summary so far and exits 130.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import { endpoints, ensureChromium, ensureSchemathesis, loadStackConfig, StackLease } from '@acme/stack';
import { stackFromEnvironment } from '@acme/testing';
import { quietTurbo } from './build.js';

interface StepResult {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
  note?: string;
}

const config = loadStackConfig(process.env);
const results: StepResult[] = [];
const lease = new StackLease(config);
let child: ChildProcess | undefined;
let interrupted = false;

async function main(): Promise<number> {
  const external = stackFromEnvironment() !== undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, ...quietTurbo };
  if (!external) {
    const ok = await step('stack up', async () => {
      await lease.up({ renderer: process.stdout.isTTY ? 'default' : 'simple' });
      return { passed: 1, failed: 0 };
    });
    if (!ok) return finish();
    Object.assign(env, endpoints(config));
  }

  // Build first: jest's global setup loads built packages; typecheck and lint cover every workspace.
  await step('build', () =>
    command('pnpm', ['-s', 'turbo', 'run', 'build', '--output-logs=errors-only'], env),
  );
  await step('typecheck', () =>
    command('pnpm', ['-s', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], env),
  );
  await step('lint', () => command('pnpm', ['-s', 'turbo', 'run', 'lint', '--output-logs=errors-only'], env));
  await step('format', () => command('pnpm', ['-s', 'prettier', '--check', '--log-level=warn', '.'], env));
  // The dashboard's test drives a real headless Chromium.
  await step('browser (Chromium for the dashboard test)', async () => {
    await ensureChromium();
    return { passed: 1, failed: 0 };
  });
  // The fuzz suite (test-e2e/fuzz) runs schemathesis, installed into a venv under the stack's cache.
  await step('schemathesis (the OpenAPI fuzzer)', async () => {
    await ensureSchemathesis();
    return { passed: 1, failed: 0 };
  });
  // README command 1 from a fresh clone of HEAD, on this run's stack (test-e2e/front-door).
  if (!external)
    await step('front door', () =>
      jest(env, { name: 'front-door', args: ['-c', 'test-e2e/front-door/jest.config.js', '--runInBand'] }),
    );
  await step('jest (unit, integration, e2e)', () => jest(env));
  // Alone and in band, after everything else: the fault scenarios restart Kafka and Postgres.
  await step('faults', () =>
    jest(env, { name: 'faults', args: ['-c', 'test-e2e/faults/jest.config.js', '--runInBand'] }),
  );
  printFaultsTable();
  return finish();
}

/** Run a step, time it, record its counts; a thrown error counts as one failure. */
async function step(
  name: string,
  work: () => Promise<{ passed: number; failed: number; note?: string }>,
): Promise<boolean> {
  if (interrupted) return false;
  banner(name);
  const started = Date.now();
  let result: Omit<StepResult, 'name' | 'seconds'>;
  try {
    result = await work();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    result = { passed: 0, failed: 1 };
  }
  results.push({ name, seconds: (Date.now() - started) / 1000, ...result });
  return result.failed === 0;
}

/** A step's command, in a process group of its own (see `stopStep`). */
function command(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ passed: number; failed: number }> {
  return new Promise((resolve, reject) => {
    child = spawn(cmd, args, { stdio: 'inherit', env, detached: true });
    child.once('error', reject);
    child.once('close', (code) => {
      child = undefined;
      resolve(code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
    });
  });
}

interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
  numTotalTestSuites: number;
}

/** One jest run (`args` select a config; none: every project), counted from its JSON report. */
async function jest(
  env: NodeJS.ProcessEnv,
  run: { name: string; args: string[] } = { name: 'jest', args: [] },
): Promise<{ passed: number; failed: number; note?: string }> {
  const report = join(config.stackDir, 'reports', `${run.name}.json`);
  mkdirSync(join(config.stackDir, 'reports'), { recursive: true });
  rmSync(report, { force: true });
  if (run.name === 'faults') rmSync(faultsTable, { force: true });
  // The root `jest` script sets the node flags jest needs (see jest.preset.js).
  const exit = await command(
    'pnpm',
    ['-s', 'jest', ...run.args, '--ci', '--json', `--outputFile=${report}`],
    env,
  );
  if (!existsSync(report)) return { passed: 0, failed: 1, note: 'jest wrote no report' };
  const json = JSON.parse(readFileSync(report, 'utf8')) as JestJson;
  // A suite that cannot even load has no failed test in it, but it is a failure.
  const failed = json.numFailedTests + json.numRuntimeErrorTestSuites;
  if (exit.failed > 0 && failed === 0)
    return { passed: json.numPassedTests, failed: 1, note: 'jest exited non-zero' };
  return { passed: json.numPassedTests, failed, note: `${json.numTotalTestSuites} suites` };
}

/** The fault suite's table (written by test-e2e/faults), repeated where the summary is read. */
const faultsTable = join(config.stackDir, 'reports', 'faults.txt');
function printFaultsTable(): void {
  if (existsSync(faultsTable)) console.log(`\n${readFileSync(faultsTable, 'utf8')}`);
}

async function finish(): Promise<number> {
  await stopWhatWeStarted();
  banner('summary');
  for (const r of results) {
    const mark = r.failed === 0 ? 'ok  ' : 'FAIL';
    console.log(
      `${mark}  ${r.name.padEnd(30)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  (${r.note})` : ''}`,
    );
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

async function stopWhatWeStarted(): Promise<void> {
  const parts = await lease.settled();
  if (parts.length === 0) return;
  if (process.env.KEEP_STACK === '1') {
    console.log(`\nKEEP_STACK=1: leaving ${parts.join(', ')} running (pnpm stack down stops them)`);
    return;
  }
  banner(`stack down (${parts.join(', ')})`);
  await lease.release();
}

/** SIGTERM to the step's whole process group (jest, its workers, the services they started); SIGKILL after 20 s. */
async function stopStep(): Promise<void> {
  const running = child;
  if (running?.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
  const gone = new Promise((resolve) => running.once('close', resolve));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(running.pid ?? 0), signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const stopped = await Promise.race([gone.then(() => true), delay(20_000, false)]);
  if (!stopped) signalGroup('SIGKILL');
  await gone;
}

function banner(title: string): void {
  console.log(`\n━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`);
}

closeWithGrace(
  {
    delay: 120_000,
    skip: ['beforeExit'],
    onSecondSignal: (signal) => {
      console.error(`\n${signal} again: leaving at once; \`pnpm stack down\` stops the stack`);
    },
  },
  async ({ signal, err }) => {
    interrupted = true;
    if (err) console.error(err);
    else
      console.error(
        `\n${signal ?? 'interrupted'}: stopping the step under way and the stack parts started here`,
      );
    await stopStep();
    results.push({
      name: signal ? `interrupted (${signal})` : 'runner error',
      passed: 0,
      failed: 1,
      seconds: 0,
    });
    await finish();
    process.exit(signal ? 130 : 1);
  },
);

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await stopWhatWeStarted();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
