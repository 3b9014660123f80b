/**
 * The load a fault lands in: `orders` orders paced at `rate` per second over a few SKUs, payment
 * tokens in a fixed rotation. Unlike the open-loop `Traffic` of the benchmarks, each order is placed
 * as a careful client would during an outage: with an Idempotency-Key, retried on a connection
 * error or a 5xx until it is accepted (201, or 200 when an earlier attempt had already been
 * accepted and only its reply was lost). So every order the suite places must end up accepted,
 * exactly once, and the ledger knows each one.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually } from '@acme/testing';
import { orderFor, type Client } from '../system/api.js';
import type { Ledger } from './facts.js';

export interface LoadPlan {
  orders: number;
  /** Orders started per second (pacing, not synchronisation). */
  rate: number;
  skus: readonly string[];
  /** Payment tokens in rotation, e.g. ['tok_ok', 'tok_ok', 'tok_decline', 'tok_async']. */
  tokens: readonly string[];
  /** How long one order may take to be accepted, outages included (default 90 s). */
  acceptWithinMs?: number;
  /** Keep placing (at `rate`, beyond `orders`) until `release()`: load for as long as the faults last. */
  untilReleased?: boolean;
}

/** A mix with every outcome: success, decline, provider timeout, and an async payment the deadline cancels. */
export const mixedTokens = [
  'tok_ok',
  'tok_ok',
  'tok_decline',
  'tok_ok',
  'tok_timeout',
  'tok_ok',
  'tok_async',
];

export class Load {
  readonly accepted: string[] = [];
  /** Orders refused for good (a 4xx other than "unknown sku"): none is expected. */
  readonly refused: { status: number; body: unknown }[] = [];
  /** Orders the client had to send more than once (connection refused, 5xx, reply lost). */
  retried = 0;
  private released: boolean;
  private readonly done: Promise<void>;

  private constructor(
    private readonly api: Client,
    private readonly ledger: Ledger,
    private readonly plan: LoadPlan,
  ) {
    this.released = plan.untilReleased !== true;
    this.done = this.run();
  }

  static start(api: Client, ledger: Ledger, plan: LoadPlan): Load {
    return new Load(api, ledger, plan);
  }

  /** Let a load started `untilReleased` end (once it has placed its `orders`). */
  release(): void {
    this.released = true;
  }

  /** Resolves once every order is accepted or refused; rejects if one could not be placed in time. */
  finished(): Promise<void> {
    return this.done;
  }

  /** Like `finished`, but the failure is returned: checked after the system was judged. */
  async settled(): Promise<Error | undefined> {
    return this.done.then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Resolves once `n` orders are accepted (a point mid-load to inject a fault at). */
  async whenAccepted(n: number): Promise<void> {
    await eventually(async () => Promise.resolve(this.accepted.length >= n ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: `${n} accepted orders`,
    });
  }

  private async run(): Promise<void> {
    const pending: Promise<void>[] = [];
    const started = Date.now();
    for (let i = 0; i < this.plan.orders || !this.released; i++) {
      const due = started + (i * 1000) / this.plan.rate;
      if (due > Date.now()) await delay(due - Date.now()); // pacing the load, not waiting on anything
      const sku = this.plan.skus[i % this.plan.skus.length] ?? 'sku';
      const token = this.plan.tokens[i % this.plan.tokens.length] ?? 'tok_ok';
      pending.push(this.placeOne(sku, token, 1 + (i % 2)));
    }
    const results = await Promise.allSettled(pending);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0)
      throw new Error(`${failed.length} orders could not be placed: ${String(failed[0]?.reason)}`);
  }

  private async placeOne(sku: string, token: string, quantity: number): Promise<void> {
    const body = orderFor(sku, token, quantity);
    const key = `fault-${randomUUID()}`;
    let attempts = 0;
    const outcome = await eventually(
      async () => {
        if (attempts++ === 1) this.retried++;
        const reply = await this.api.placeOrder(body, { 'idempotency-key': key });
        if (reply.status === 201 || reply.status === 200) return { accepted: reply.body.orderId };
        // The catalogue follows inventory's stock-added events: right after seeding it may not know the SKU.
        const unknownSku =
          reply.status === 400 && /unknown|not (sold|known)/i.test(JSON.stringify(reply.body));
        if (reply.status >= 500 || unknownSku) throw new Error(`POST /orders: ${reply.status}`);
        return { refused: reply };
      },
      {
        timeoutMs: this.plan.acceptWithinMs ?? 90_000,
        intervalMs: 250,
        description: `order ${key} accepted`,
      },
    );
    if ('accepted' in outcome) {
      this.accepted.push(outcome.accepted);
      this.ledger.accepted.set(outcome.accepted, sku);
    } else this.refused.push({ status: outcome.refused.status, body: outcome.refused.body });
  }
}
