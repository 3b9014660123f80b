/**
 * The live part of `pnpm demo`: the SMTP sink, the five services (each its own OS process), the
 * catalogue, the traffic and its live count. `runner/demo.ts` loads this module only after the
 * build, because what it imports needs the generated contracts. `stop` may be called at any
 * moment, also while `start` is still under way: it stops whatever has started.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { EventTap } from '@acme/service/testing';
import { startSmtpSink, type SmtpSink, type TestStack } from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { client, mintToken, type Client } from '../system/api.js';
import { serviceNames, startSystem, type ServiceName, type System } from '../system/system.js';
import { p50p99, Traffic, type TokenMix } from '../system/traffic.js';
import { step } from './step.js';

export interface DemoOptions {
  stack: TestStack;
  logDir: string;
  ports: Record<ServiceName, number>;
  smtpPort: number;
  rate: number;
  mix: TokenMix;
  mixText: string;
  deadlineMs: number;
  skus: number;
  /** Aborted when the demo is told to stop: a start under way is abandoned. */
  signal: AbortSignal;
}

export class DemoSession {
  private system: System | undefined;
  private smtp: SmtpSink | undefined;
  private tap: EventTap | undefined;
  private traffic: Traffic | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: DemoOptions) {}

  start(): Promise<void> {
    this.starting ??= this.bringUp();
    return this.starting;
  }

  private async bringUp(): Promise<void> {
    const { stack, ports, signal } = this.options;
    this.smtp = await startSmtpSink({ port: this.options.smtpPort });
    step(`SMTP sink listening on ${this.smtp.url}`);
    step(`starting ${serviceNames.join(', ')} (logs: ${this.options.logDir})`);
    this.system = await startSystem({
      stack,
      logDir: this.options.logDir,
      smtpUrl: this.smtp.url,
      ports,
      // Ctrl-C reaches the demo alone: it stops the traffic and lets open orders finish first.
      ownProcessGroups: true,
      signal,
      serviceEnv: {
        order: { ORDER_DEADLINE_MS: String(this.options.deadlineMs) },
        payment: {
          // The bundled provider simulator settles asynchronous payments itself, by signed webhook.
          PAYMENT_SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${ports.payment}/webhooks/provider`,
          PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS: '1500',
        },
      },
    });
    signal.throwIfAborted();
    const api = client(this.system);
    const kafka = new Kafka({ clientId: 'demo', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
    const skus = Array.from({ length: this.options.skus }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
    const traffic = new Traffic(api, { rate: this.options.rate, mix: this.options.mix, skus });
    this.traffic = traffic;
    this.tap = await EventTap.start(kafka, stack.schemaRegistryUrl, '', {
      fromBeginning: false,
      keep: false,
      onEvent: (event) => {
        traffic.observe(event);
      },
    });
    step(`seeding ${skus.length} SKUs`);
    for (const sku of skus) await api.addStock(sku, 1_000);
    signal.throwIfAborted();

    this.printUrls(this.system);
    traffic.start();
    const began = Date.now();
    this.timers.push(
      // Keep the shelves from running dry in a long demo (scarcity still shows under bursts).
      setInterval(() => {
        restock(api, skus);
      }, 10_000),
      setInterval(() => {
        live(traffic, began, this.smtp?.messages.length ?? 0);
      }, 1000),
    );
  }

  /**
   * Stop the traffic, give the orders still open until their deadline (plus a margin) to reach
   * an outcome, then stop the services and the sink, and print the totals.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // A start under way is abandoned (the signal is aborted by now): let it put down what it began.
      await this.starting?.catch(() => undefined);
      for (const timer of this.timers) clearInterval(timer);
      const traffic = this.traffic;
      if (traffic) {
        if (process.stdout.isTTY) process.stdout.write('\n');
        step('stopping the traffic');
        await traffic.stop();
        if (this.system && traffic.open > 0) {
          step(`waiting for ${traffic.open} open orders to reach an outcome`);
          const until = Date.now() + this.options.deadlineMs + 10_000;
          while (traffic.open > 0 && Date.now() < until) await delay(200);
        }
      }
      step('stopping the services');
      await this.system?.stop();
      await Promise.allSettled([this.tap?.stop(), this.smtp?.close()]);
      if (traffic) {
        const s = traffic.stats;
        const lat = p50p99(s.latencies);
        console.log(
          `\nplaced ${s.accepted}, confirmed ${s.confirmed}, cancelled ${JSON.stringify(s.cancelled)}, ` +
            `refunded ${s.refunded}, open ${traffic.open}; placed→confirmed p50 ${lat.p50.toFixed(0)} ms, ` +
            `p99 ${lat.p99.toFixed(0)} ms over ${lat.n} orders`,
        );
      }
    })();
    return this.stopping;
  }

  private printUrls(s: System): void {
    const { stack } = this.options;
    console.log('\nThe system is up:');
    for (const name of serviceNames)
      console.log(
        `  ${name.padEnd(13)} ${s.url(name)}   API docs ${s.url(name)}/docs   ready ${s.url(name)}/health/ready   metrics ${s.url(name)}/metrics`,
      );
    console.log(
      `  Dashboard     ${s.url('analytics')}/dashboard   (live sales, outcomes, saga durations, latest orders)`,
    );
    console.log(
      `  Jaeger        ${stack.jaegerQueryUrl}   Prometheus ${stack.prometheusUrl}   SMTP sink ${this.smtp?.url ?? '-'}`,
    );
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
      `\nTraffic: ${this.options.rate} orders/s, mix ${this.options.mixText}. Ctrl-C stops everything this command started.\n`,
    );
  }
}

function restock(api: Client, skus: readonly string[]): void {
  for (const sku of skus)
    void api
      .stock(sku)
      .then((s) => (s.status === 200 && s.body.available < 200 ? api.addStock(sku, 1_000) : undefined))
      .catch(() => undefined);
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
