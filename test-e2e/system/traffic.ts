import type { TappedEvent } from '@acme/service/testing';
import { percentile } from '@acme/testing/bench';
import { orderFor, type Client } from './api.js';

/** Share of each payment token in the traffic, e.g. { tok_ok: 85, tok_decline: 10, tok_async: 5 }. */
export type TokenMix = Record<string, number>;

export function parseMix(text: string): TokenMix {
  const mix: TokenMix = {};
  for (const part of text.split(',')) {
    const [name, weight] = part.split('=');
    const w = Number(weight);
    if (!name || !Number.isFinite(w) || w < 0) throw new Error(`--mix: "${part}" is not token=weight`);
    mix[name.startsWith('tok_') ? name : `tok_${name}`] = w;
  }
  if (Object.values(mix).every((w) => w === 0)) throw new Error('--mix: all weights are zero');
  return mix;
}

/** A payment token drawn from the mix by weight. */
export function pickToken(mix: TokenMix): string {
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  let r = Math.random() * total;
  for (const [token, weight] of Object.entries(mix)) {
    r -= weight;
    if (r < 0) return token;
  }
  return Object.keys(mix)[0] ?? 'tok_ok';
}

/** What the traffic did so far; `outcome` counts come from the events on Kafka. */
export interface TrafficStats {
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
  inFlight: number;
  confirmed: number;
  cancelled: Record<string, number>;
  refunded: number;
  /** Request sent → OrderConfirmed seen on Kafka, ms, of confirmed orders. */
  latencies: number[];
  /** Per hop, from the events' own times: placed→reserved, reserved→charged, charged→confirmed. */
  hops: Record<'placed→reserved' | 'reserved→charged' | 'charged→confirmed', number[]>;
}

/**
 * An open-loop order generator: `rate` orders per second whatever the system's speed (so a slow
 * system shows as latency and backlog, not as a politely reduced load), over `skus`, payment
 * tokens drawn from `mix`. Feed it the lifecycle events with `observe` to count outcomes.
 */
export class Traffic {
  readonly stats: TrafficStats = {
    sent: 0,
    accepted: 0,
    rejected: 0,
    errors: 0,
    inFlight: 0,
    confirmed: 0,
    cancelled: {},
    refunded: 0,
    latencies: [],
    hops: { 'placed→reserved': [], 'reserved→charged': [], 'charged→confirmed': [] },
  };
  private readonly started = new Map<string, number>();
  private readonly times = new Map<string, Partial<Record<'placed' | 'reserved' | 'charged', number>>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly api: Client,
    private readonly options: { rate: number; mix: TokenMix; skus: readonly string[]; maxInFlight?: number },
  ) {}

  start(): void {
    const tickMs = 20;
    let due = 0;
    const begun = Date.now();
    this.timer = setInterval(() => {
      const shouldHaveSent = Math.floor(((Date.now() - begun) / 1000) * this.options.rate);
      due = shouldHaveSent - this.stats.sent;
      for (; due > 0 && this.stats.inFlight < (this.options.maxInFlight ?? 1000); due--) this.placeOne();
    }, tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
  }

  private placeOne(): void {
    const sku = this.options.skus[Math.floor(Math.random() * this.options.skus.length)] ?? 'sku';
    const body = orderFor(sku, pickToken(this.options.mix), 1 + Math.floor(Math.random() * 2));
    const t0 = Date.now();
    this.stats.sent++;
    this.stats.inFlight++;
    const work = this.api
      .placeOrder(body)
      .then((reply) => {
        if (reply.status === 201) {
          this.stats.accepted++;
          this.started.set(reply.body.orderId, t0);
        } else this.stats.rejected++;
      })
      .catch(() => {
        this.stats.errors++;
      })
      .finally(() => {
        this.stats.inFlight--;
        this.pending.delete(work);
      });
    this.pending.add(work);
  }

  /** Count an outcome (call it for every event the tap decodes). */
  observe(event: TappedEvent): void {
    const at = Date.parse(event.envelope.time);
    const id = event.subject;
    const t = this.times.get(id) ?? {};
    switch (event.type) {
      case 'com.acme.order.placed.v2':
        t.placed = at;
        break;
      case 'com.acme.inventory.stock-reserved.v1':
        t.reserved = at;
        if (t.placed !== undefined) this.stats.hops['placed→reserved'].push(at - t.placed);
        break;
      case 'com.acme.payment.charged.v1':
        t.charged = at;
        if (t.reserved !== undefined) this.stats.hops['reserved→charged'].push(at - t.reserved);
        break;
      case 'com.acme.order.confirmed.v1': {
        this.stats.confirmed++;
        if (t.charged !== undefined) this.stats.hops['charged→confirmed'].push(at - t.charged);
        const t0 = this.started.get(id);
        if (t0 !== undefined) this.stats.latencies.push(event.receivedAt - t0);
        this.forget(id);
        return;
      }
      case 'com.acme.order.cancelled.v1': {
        const reason = String(event.data.reason);
        this.stats.cancelled[reason] = (this.stats.cancelled[reason] ?? 0) + 1;
        this.forget(id);
        return;
      }
      case 'com.acme.payment.refunded.v1':
        this.stats.refunded++;
        return;
      default:
        return;
    }
    this.times.set(id, t);
  }

  private forget(id: string): void {
    this.times.delete(id);
    this.started.delete(id);
  }

  /** Orders accepted and not yet confirmed or cancelled. */
  get open(): number {
    const cancelled = Object.values(this.stats.cancelled).reduce((a, b) => a + b, 0);
    return this.stats.accepted - this.stats.confirmed - cancelled;
  }
}

/** p50 and p99 of a list of milliseconds. */
export function p50p99(values: readonly number[]): { p50: number; p99: number; n: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: values.length };
}
