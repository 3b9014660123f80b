/**
 * `pnpm demo` (README command 1): the real system on this machine. Brings the stack up, builds the
 * services, starts an SMTP sink and the four lifecycle services (each its own OS process), seeds
 * the catalogue, places orders at a steady rate with a mix of payment outcomes, and shows a live
 * count of outcomes. Ctrl-C stops the traffic, the services, the sink, and the stack parts this
 * command started.
 *
 *   pnpm demo --rate 20 --mix ok=80,decline=10,async=8,timeout=2 --duration 0
 */
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { EventTap } from '@acme/service/testing';
import { down, loadStackConfig, status, type PartName } from '@acme/stack';
import { startNativeStack, startSmtpSink, type SmtpSink } from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { client, mintToken } from '../system/api.js';
import { runLogDir, serviceNames, startSystem, type System } from '../system/system.js';
import { p50p99, parseMix, Traffic } from '../system/traffic.js';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return n;
};

const program = new Command('demo')
  .description('run the order platform with live traffic')
  .option('--rate <orders/s>', 'orders placed per second (0 = none)', positive('rate'), 5)
  .option(
    '--mix <token=weight,…>',
    'payment outcomes: ok, decline, async (webhook), timeout',
    'ok=85,decline=8,async=5,timeout=2',
  )
  .option('--duration <s>', 'stop after this many seconds (0 = until Ctrl-C)', positive('duration'), 0)
  .option('--deadline <ms>', 'order confirmation deadline', positive('deadline'), 15_000)
  .option('--skus <n>', 'catalogue size', positive('skus'), 8)
  .option('--keep-stack', 'leave the stack running at the end', false)
  .parse();

const options = program.opts<{
  rate: number;
  mix: string;
  duration: number;
  deadline: number;
  skus: number;
  keepStack: boolean;
}>();

const config = loadStackConfig(process.env);
let startedHere: PartName[] = [];
let system: System | undefined;
let smtp: SmtpSink | undefined;
let tap: EventTap | undefined;
let traffic: Traffic | undefined;
let stopping: Promise<void> | undefined;

const ports = { order: 3001, inventory: 3002, payment: 3003, notification: 3004, analytics: 3005 } as const;

async function main(): Promise<void> {
  const mix = parseMix(options.mix);
  const before = new Set((await status(config)).filter((p) => p.state !== 'stopped').map((p) => p.name));
  const stack = await startNativeStack(config, process.stdout.isTTY ? 'default' : 'simple');
  startedHere = (await status(config))
    .filter((p) => p.state !== 'stopped' && !before.has(p.name))
    .map((p) => p.name);

  step('building the services');
  await run('pnpm', ['-s', 'turbo', 'run', 'build', '--output-logs=errors-only', '--filter=./apps/*']);

  smtp = await startSmtpSink({ port: 2525 });
  step(`SMTP sink listening on ${smtp.url}`);
  const logDir = runLogDir(config.stackDir, 'demo');
  step(`starting order, inventory, payment, notification (logs: ${logDir})`);
  system = await startSystem({
    stack,
    logDir,
    smtpUrl: smtp.url,
    ports,
    serviceEnv: {
      order: { ORDER_DEADLINE_MS: String(options.deadline) },
      payment: {
        // The bundled provider simulator settles asynchronous payments itself, by signed webhook.
        PAYMENT_SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${ports.payment}/webhooks/provider`,
        PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS: '1500',
      },
    },
  });
  const api = client(system);

  const kafka = new Kafka({ clientId: 'demo', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const skus = Array.from({ length: options.skus }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
  traffic = new Traffic(api, { rate: options.rate, mix, skus });
  const t = traffic;
  tap = await EventTap.start(kafka, stack.schemaRegistryUrl, '', {
    fromBeginning: false,
    keep: false,
    onEvent: (event) => {
      t.observe(event);
    },
  });
  step(`seeding ${skus.length} SKUs`);
  for (const sku of skus) await api.addStock(sku, 1_000);

  printUrls(system, stack.jaegerQueryUrl, stack.prometheusUrl);
  traffic.start();
  const began = Date.now();
  const restock = setInterval(() => {
    // Keep the shelves from running dry in a long demo (scarcity still shows under bursts).
    for (const sku of skus)
      void api
        .stock(sku)
        .then((s) => (s.status === 200 && s.body.available < 200 ? api.addStock(sku, 1_000) : undefined));
  }, 10_000);
  const ticker = setInterval(() => {
    live(t, began, smtp?.messages.length ?? 0);
  }, 1000);
  await new Promise<void>((resolve) => {
    if (options.duration > 0) setTimeout(resolve, options.duration * 1000);
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
  clearInterval(ticker);
  clearInterval(restock);
  process.stdout.write('\n');
  await stop();
}

function live(t: Traffic, began: number, mails: number): void {
  const s = t.stats;
  const secs = (Date.now() - began) / 1000;
  const cancelled = Object.entries(s.cancelled)
    .map(([reason, n]) => `${reason.toLowerCase()} ${n}`)
    .join(', ');
  const { p50, p99 } = p50p99(s.latencies.slice(-2000));
  const line =
    `${secs.toFixed(0)}s  placed ${s.accepted} (${(s.accepted / secs).toFixed(1)}/s)  confirmed ${s.confirmed}  ` +
    `cancelled ${Object.values(s.cancelled).reduce((a, b) => a + b, 0)}${cancelled ? ` [${cancelled}]` : ''}  ` +
    `refunded ${s.refunded}  open ${t.open}  e-mails ${mails}  ` +
    `placed→confirmed p50 ${Number.isNaN(p50) ? '-' : p50.toFixed(0)} ms p99 ${Number.isNaN(p99) ? '-' : p99.toFixed(0)} ms` +
    (s.rejected + s.errors > 0 ? `  rejected ${s.rejected} errors ${s.errors}` : '');
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
}

function printUrls(s: System, jaeger: string, prometheus: string): void {
  console.log('\nThe system is up:');
  for (const name of serviceNames)
    console.log(
      `  ${name.padEnd(13)} ${s.url(name)}   API docs ${s.url(name)}/docs   ready ${s.url(name)}/health/ready   metrics ${s.url(name)}/metrics`,
    );
  console.log(
    `  Dashboard     ${s.url('analytics')}/dashboard   (live sales, outcomes, saga durations, latest orders)`,
  );
  console.log(`  Jaeger        ${jaeger}   Prometheus ${prometheus}   SMTP sink ${smtp?.url ?? '-'}`);
  // Tokens for a person at the terminal (valid 12 h), signed with this run's AUTH_JWT_SECRET.
  const customerToken = mintToken(s.authSecret, { subject: 'c-1', expiresInSeconds: 12 * 3600 });
  const adminToken = mintToken(s.authSecret, {
    subject: 'demo-admin',
    roles: ['admin'],
    expiresInSeconds: 12 * 3600,
  });
  console.log(`\nPlace one yourself, as customer c-1 (the token names the customer):
  export CUSTOMER_TOKEN=${customerToken}
  curl -s -XPOST ${s.url('order')}/orders -H 'content-type: application/json' -H "authorization: Bearer $CUSTOMER_TOKEN" \\
    -d '{"customerEmail":"c1@example.test","lines":[{"sku":"SKU-001","quantity":1,"unitPriceMinor":1999}],"currency":"EUR","paymentToken":"tok_ok"}'
Admin and support routes (stock, payments, analytics) take an admin token:
  export ADMIN_TOKEN=${adminToken}
  curl -s ${s.url('analytics')}/outcomes -H "authorization: Bearer $ADMIN_TOKEN"`);
  console.log(
    `\nTraffic: ${options.rate} orders/s, mix ${options.mix}. Ctrl-C stops everything this command started.\n`,
  );
}

function step(what: string): void {
  console.log(`▸ ${what}`);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${String(code)}`));
    });
  });
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    step('stopping traffic and services');
    await traffic?.stop();
    await system?.stop();
    await Promise.allSettled([tap?.stop(), smtp?.close()]);
    if (startedHere.length > 0 && !options.keepStack) {
      step(`stopping the stack parts started here (${startedHere.join(', ')})`);
      await down(config, { only: startedHere });
    } else if (startedHere.length === 0) step('the stack was already running before; it keeps running');
    const s = traffic?.stats;
    if (s) {
      const lat = p50p99(s.latencies);
      console.log(
        `\nplaced ${s.accepted}, confirmed ${s.confirmed}, cancelled ${JSON.stringify(s.cancelled)}, refunded ${s.refunded}; ` +
          `placed→confirmed p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms over ${lat.n} orders`,
      );
    }
  })();
  return stopping;
}

main().catch(async (error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop().catch(() => undefined);
  process.exitCode = 1;
});
