/**
 * The append workload every case runs: W concurrent writers, single-event appends spread over S
 * streams. Writer w owns the streams with index ≡ w (mod W) and visits them round-robin, so no two
 * writers ever touch one stream: the figures measure the store, not lock contention.
 */
import { randomUUID } from 'node:crypto';
import type { LatencyRecorder } from './latency.js';

export interface AppendSizes {
  writers: number;
  streams: number;
  /** Appends per measured run (one round of one case), split evenly over the writers. */
  appends: number;
}

/** `BENCH_APPENDS`, `BENCH_WRITERS`, `BENCH_STREAMS` override the 8 writers × 10k streams. */
export function sizesFromEnvironment(env: NodeJS.ProcessEnv = process.env): AppendSizes {
  const sizes = {
    writers: positiveInt(env, 'BENCH_WRITERS', 8),
    streams: positiveInt(env, 'BENCH_STREAMS', 10_000),
    appends: positiveInt(env, 'BENCH_APPENDS', 20_000),
  };
  if (sizes.streams < sizes.writers)
    throw new Error(`BENCH_STREAMS (${sizes.streams}) must be at least BENCH_WRITERS (${sizes.writers})`);
  return sizes;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected a whole number ≥ 1`);
  return n;
}

export const eventType = 'OrderLineAdded';
export const streamType = 'order';
export const dataBytes = 200;
export const metadataBytes = 150;

export function streamName(index: number): string {
  return `${streamType}-${String(index).padStart(5, '0')}`;
}

export interface OrderLineAdded extends Record<string, unknown> {
  orderId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  currency: string;
  note: string;
}

/** Event data of exactly `dataBytes` bytes of JSON (for the five-digit stream names above). */
export function eventData(stream: string, sequence: number): OrderLineAdded {
  const data = {
    orderId: stream,
    sku: `SKU-${String(sequence % 100_000).padStart(5, '0')}`,
    quantity: 1 + (sequence % 9),
    unitPriceMinor: 1999,
    currency: 'EUR',
    note: '',
  };
  return { ...data, note: 'x'.repeat(dataBytes - Buffer.byteLength(JSON.stringify(data))) };
}

/**
 * What the event store adds to every event's metadata on top of the caller's: fresh correlation
 * and causation ids and the schema version. The raw and Emmett cases store the same object.
 */
export function storeMetadata(extra: Record<string, unknown>): Record<string, unknown> {
  const correlationId = randomUUID();
  return { ...extra, correlationId, causationId: correlationId, schemaVersion: 1 };
}

/** Caller metadata that brings the stored metadata to `metadataBytes` bytes of JSON. */
export const extraMetadata: Record<string, unknown> = (() => {
  const base = { actor: '' };
  const bytes = Buffer.byteLength(JSON.stringify(storeMetadata(base)));
  return { ...base, actor: 'a'.repeat(metadataBytes - bytes) };
})();

/**
 * One writer's next stream: round-robin over the streams it owns. The cursor outlives a run, so
 * round 1 creates the streams and later rounds append to them (each case keeps its own cursor).
 */
export class StreamCursor {
  private readonly next: number[];
  private readonly owned: number;

  constructor(private readonly sizes: AppendSizes) {
    this.next = Array.from({ length: sizes.writers }, () => 0);
    this.owned = Math.floor(sizes.streams / sizes.writers);
  }

  take(writer: number): number {
    const k = this.next[writer] ?? 0;
    this.next[writer] = k + 1;
    return writer + this.sizes.writers * (k % this.owned);
  }
}

/**
 * Run one measured round: every writer appends its share, one append at a time, each timed into
 * `latencies`. Returns how many appends were made.
 */
export async function runWriters(
  sizes: AppendSizes,
  cursor: StreamCursor,
  latencies: LatencyRecorder,
  progress: (done: number, total: number) => void,
  append: (stream: number, sequence: number) => Promise<void>,
): Promise<number> {
  const total = sizes.appends;
  let done = 0;
  progress(0, total);
  const writer = async (w: number) => {
    const share = Math.floor(total / sizes.writers) + (w < total % sizes.writers ? 1 : 0);
    for (let i = 0; i < share; i++) {
      const stream = cursor.take(w);
      const started = process.hrtime.bigint();
      await append(stream, done);
      latencies.record(Number(process.hrtime.bigint() - started) / 1e6);
      done++;
      if (done % 100 === 0 || done === total) progress(done, total);
    }
  };
  await Promise.all(Array.from({ length: sizes.writers }, (_, w) => writer(w)));
  return done;
}
