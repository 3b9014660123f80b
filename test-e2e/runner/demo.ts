/**
 * `pnpm demo` (README command 1): the real system on this machine. Checks its ports, brings the
 * stack up, builds the services, then starts an SMTP sink and the five services (each its own OS
 * process), seeds the catalogue, places orders at a steady rate with a mix of payment outcomes,
 * and shows a live count of outcomes.
 *
 * Ctrl-C, SIGTERM, SIGHUP and a failure at any step end the same way: the traffic stops, open
 * orders get their deadline to finish, the services and the sink stop, and so do the stack parts
 * this command started (never those it found running). The services run in process groups of
 * their own, so a terminal's Ctrl-C reaches this process only and the order of the stop is ours.
 *
 * A fresh clone has no generated sources: this file imports only what needs none, and loads the
 * live part (`demo-session.ts`) after the build has generated and compiled everything.
 *
 *   pnpm demo --rate 20 --mix ok=80,decline=10,async=8,timeout=2 --duration 0
 */
import closeWithGrace from 'close-with-grace';
import { Command, InvalidArgumentError } from 'commander';
import { loadStackConfig, portFree, portHolder, StackLease } from '@acme/stack';
import { nativeStack } from '@acme/testing';
import { runLogDir } from '../system/system.js';
import { parseMix } from '../system/traffic.js';
import { buildWorkspace } from './build.js';
import type { DemoSession } from './demo-session.js';
import { step } from './step.js';

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return n;
};

const options = new Command('demo')
  .description('run the order platform with live traffic')
  .option('--rate <orders/s>', 'orders placed per second (0 = none)', number('rate'), 5)
  .option(
    '--mix <token=weight,…>',
    'payment outcomes: ok, decline, async (webhook), timeout',
    'ok=85,decline=8,async=5,timeout=2',
  )
  .option('--duration <s>', 'stop after this many seconds (0 = until Ctrl-C)', number('duration'), 0)
  .option('--deadline <ms>', 'order confirmation deadline', number('deadline'), 15_000)
  .option('--skus <n>', 'catalogue size', number('skus'), 8)
  .option('--keep-stack', 'leave the stack parts started here running at the end', false)
  .parse()
  .opts<{
    rate: number;
    mix: string;
    duration: number;
    deadline: number;
    skus: number;
    keepStack: boolean;
  }>();

const ports = { order: 3001, inventory: 3002, payment: 3003, notification: 3004, analytics: 3005 } as const;
const smtpPort = 2525;

const config = loadStackConfig(process.env);
const lease = new StackLease(config);
const abort = new AbortController();
let session: DemoSession | undefined;
let failure: Error | undefined;

const shutdown = closeWithGrace(
  {
    // Open orders get their deadline, then the services and the stack parts stop: well within this.
    delay: options.deadline + 90_000,
    logger: { error: (message: unknown) => process.stderr.write(`${String(message)}\n`) },
    onSecondSignal: (signal) => {
      process.stderr.write(`\n${signal} again: leaving at once; \`pnpm stack down\` stops the stack\n`);
    },
  },
  async ({ signal, err }) => {
    const error = err ?? failure;
    if (error) process.stderr.write(`\ndemo failed: ${error.message}\n`);
    else if (signal) step(`${signal}: stopping everything this command started`);
    abort.abort();
    await session?.stop();
    await releaseStack();
    if (error) process.exit(1);
  },
);

async function main(): Promise<void> {
  const mix = parseMix(options.mix);
  await checkPorts();
  const before = Date.now();
  await lease.up({ renderer: process.stdout.isTTY ? 'default' : 'simple' });
  abort.signal.throwIfAborted();
  const stack = nativeStack(config);
  step('building the services');
  await buildWorkspace(['./apps/*'], abort.signal);
  const { DemoSession } = await import('./demo-session.js');
  abort.signal.throwIfAborted();
  session = new DemoSession({
    stack,
    logDir: runLogDir(config.stackDir, 'demo'),
    ports,
    smtpPort,
    rate: options.rate,
    mix,
    mixText: options.mix,
    deadlineMs: options.deadline,
    skus: options.skus,
    signal: abort.signal,
  });
  await session.start();
  step(`ready in ${((Date.now() - before) / 1000).toFixed(0)} s`);
  if (options.duration > 0) {
    setTimeout(() => {
      shutdown.close();
    }, options.duration * 1000);
  }
}

/** Every fixed port this command binds, free before anything starts: a clear error, nothing to undo. */
async function checkPorts(): Promise<void> {
  const wanted = [...Object.entries(ports), ['SMTP sink', smtpPort] as const];
  const taken: string[] = [];
  for (const [what, port] of wanted) {
    if (await portFree(port)) continue;
    const holder = portHolder(port);
    taken.push(`port ${port} (${what}) is already in use${holder ? ` by ${holder}` : ''}`);
  }
  if (taken.length > 0)
    throw new Error(`${taken.join('; ')}. Stop that process (an earlier demo still running?) and try again.`);
}

async function releaseStack(): Promise<void> {
  if (lease.parts.length === 0) return;
  if (options.keepStack) {
    step(
      `leaving the stack parts started here running (${lease.parts.join(', ')}); pnpm stack down stops them`,
    );
    return;
  }
  step(`stopping the stack parts started here (${lease.parts.join(', ')})`);
  await lease.release();
}

main().catch((error: unknown) => {
  if (abort.signal.aborted) return; // a step given up because the demo is stopping already
  failure = error instanceof Error ? error : new Error(String(error));
  shutdown.close();
});
