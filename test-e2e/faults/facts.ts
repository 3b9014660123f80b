/**
 * Gathers the facts the invariants judge, from the outside: every order the order service stores
 * (and every order a client was told was accepted), each through the order service's and the read
 * model's HTTP APIs; charges from payment's event store; stock from inventory's API; e-mails from
 * the SMTP sink; parked messages from each service's `dead_letters` table.
 */
import { sql } from 'kysely';
import type { ServiceName } from '../system/system.js';
import { mapLimit } from '../system/map-limit.js';
import { serviceNames } from '../system/system.js';
import type { SystemWorld } from '../system/world.js';
import type {
  DeadLetterFact,
  ExpectedPoison,
  Facts,
  MailKind,
  OrderFacts,
  OrderStatus,
} from './invariants.js';

/** What the suite itself knows: what it was told, what it added, what it injected. */
export interface Ledger {
  /** Order ids the order service accepted (201, or 200 for a retried Idempotency-Key), with their SKU. */
  accepted: Map<string, string>;
  /** Quantity added per SKU. */
  seeded: Map<string, number>;
  poison: ExpectedPoison[];
}

export const newLedger = (): Ledger => ({ accepted: new Map(), seeded: new Map(), poison: [] });

/**
 * What one check covers: a scenario's own SKUs (each seeds its own, so its orders are the orders of
 * those SKUs), its poison, and the dead letters parked since it began; no scope covers everything.
 */
export interface Scope {
  skus: ReadonlySet<string>;
  poison: readonly ExpectedPoison[];
  /** Per service, the highest dead-letter id before the scenario began. */
  deadLettersAfter: ReadonlyMap<string, string>;
}

/** Where each service's dead-letter index stands now: a scenario's scope starts after it. */
export async function deadLetterMarks(world: SystemWorld): Promise<Map<string, string>> {
  const marks = await Promise.all(
    serviceNames.map(async (service) => {
      const { rows } = await sql<{ id: string | null }>`
        SELECT max(id)::text AS id FROM dead_letters`.execute(world.db(service));
      return [service, rows[0]?.id ?? '0'] as const;
    }),
  );
  return new Map(marks);
}

/**
 * Cheap first look before the full gathering (two HTTP calls per order): how many orders of the
 * scope the order service has not ended yet.
 */
export async function openOrders(world: SystemWorld, skus: ReadonlySet<string> | undefined): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM events p
    WHERE p.type = 'OrderPlaced'
      AND (${skus === undefined}::boolean OR EXISTS (
        SELECT 1 FROM jsonb_array_elements(p.data->'lines') l WHERE l->>'sku' = ANY(${[...(skus ?? [])]}::text[])))
      AND NOT EXISTS (
        SELECT 1 FROM events t WHERE t.stream_id = p.stream_id AND t.type IN ('OrderConfirmed', 'OrderCancelled'))`.execute(
    world.db('order'),
  );
  return rows[0]?.n ?? 0;
}

interface OrderBody {
  orderId: string;
  status: OrderStatus;
  totalMinor: number;
  currency: string;
  lines: { sku: string; quantity: number }[];
  cancellation: { reason: string } | null;
  history: { type: string }[];
}

interface ReadModelBody {
  status: string;
  totalMinor: number | null;
  currency: string | null;
  cancellation: { reason: string | null } | null;
}

const subjects: [RegExp, MailKind][] = [
  [/^We received your order (\S+)/, 'placed'],
  [/^Your order (\S+) is confirmed/, 'confirmed'],
  [/^Your order (\S+) has been cancelled/, 'cancelled'],
  [/^Your order (\S+) is on its way/, 'shipped'],
];

/** Which order and which lifecycle e-mail a subject is about. */
export function mailOf(subject: string): { orderId: string; kind: MailKind } | undefined {
  for (const [pattern, kind] of subjects) {
    const orderId = pattern.exec(subject)?.[1];
    if (orderId) return { orderId, kind };
  }
  return undefined;
}

/** The facts of a scope, or of everything so far (no scope). */
export async function gatherFacts(world: SystemWorld, ledger: Ledger, scope?: Scope): Promise<Facts> {
  const skus = scope?.skus;
  const placed = await sql<{ stream_id: string }>`
    SELECT DISTINCT stream_id FROM events p
    WHERE p.type = 'OrderPlaced' AND (${skus === undefined}::boolean OR EXISTS (
      SELECT 1 FROM jsonb_array_elements(p.data->'lines') l WHERE l->>'sku' = ANY(${[...(skus ?? [])]}::text[])))`.execute(
    world.db('order'),
  );
  const acceptedHere = [...ledger.accepted].filter(([, sku]) => !skus || skus.has(sku)).map(([id]) => id);
  const ids = [...new Set([...placed.rows.map((r) => r.stream_id.replace(/^order-/, '')), ...acceptedHere])];

  const payments = await sql<{ stream_id: string; type: string; n: number }>`
    SELECT stream_id, type, count(*)::int AS n FROM events
    WHERE type IN ('PaymentCharged', 'PaymentRefunded') GROUP BY stream_id, type`.execute(
    world.db('payment'),
  );
  const money = new Map<string, { charged: number; refunded: number }>();
  for (const r of payments.rows) {
    const id = r.stream_id.replace(/^payment-/, '');
    const m = money.get(id) ?? { charged: 0, refunded: 0 };
    if (r.type === 'PaymentCharged') m.charged += r.n;
    else m.refunded += r.n;
    money.set(id, m);
  }

  const mails = new Map<string, { kind: MailKind; messageId: string | undefined }[]>();
  for (const m of world.smtp.messages) {
    const about = mailOf(m.subject);
    if (!about) continue;
    mails.set(about.orderId, [
      ...(mails.get(about.orderId) ?? []),
      { kind: about.kind, messageId: m.messageId },
    ]);
  }

  const orders = await mapLimit(ids, 8, async (orderId): Promise<OrderFacts> => {
    const [written, read] = await Promise.all([world.api.order(orderId), world.api.orderView(orderId)]);
    if (written.status !== 200 && written.status !== 404)
      throw new Error(`GET /orders/${orderId}: ${written.status}`);
    if (read.status !== 200 && read.status !== 404)
      throw new Error(`analytics GET /orders/${orderId}: ${read.status}`);
    const w = written.body as unknown as OrderBody;
    const r = read.body as unknown as ReadModelBody;
    return {
      orderId,
      accepted: ledger.accepted.has(orderId),
      ...(written.status === 200
        ? {
            written: {
              status: w.status,
              totalMinor: w.totalMinor,
              currency: w.currency,
              lines: w.lines.map(({ sku, quantity }) => ({ sku, quantity })),
              cancelReason: w.cancellation?.reason ?? null,
              history: w.history.map((h) => h.type),
            },
          }
        : {}),
      ...(read.status === 200
        ? {
            readModel: {
              status: r.status,
              totalMinor: r.totalMinor,
              currency: r.currency,
              cancelReason: r.cancellation?.reason ?? null,
            },
          }
        : {}),
      payments: money.get(orderId) ?? { charged: 0, refunded: 0 },
      mails: mails.get(orderId) ?? [],
    };
  });

  const seeded = [...ledger.seeded].filter(([sku]) => !skus || skus.has(sku));
  const stock = await mapLimit(seeded, 4, async ([sku, seeded]) => {
    const { status, body } = await world.api.stock(sku);
    if (status !== 200) throw new Error(`GET /stock/${sku}: ${status}`);
    return { sku, seeded, onHand: body.onHand, reserved: body.reserved, available: body.available };
  });

  return {
    orders,
    stock,
    deadLetters: await deadLetters(world, scope?.deadLettersAfter),
    poison: scope?.poison ?? ledger.poison,
  };
}

/** The rows of every service's dead-letter index (after `marks`, when given). */
export async function deadLetters(
  world: SystemWorld,
  marks?: ReadonlyMap<string, string>,
): Promise<DeadLetterFact[]> {
  const perService = await Promise.all(
    serviceNames.map(async (service: ServiceName) => {
      const { rows } = await sql<{ message_key: Buffer | null; event_type: string | null; reason: string }>`
        SELECT message_key, event_type, reason FROM dead_letters
        WHERE id > ${marks?.get(service) ?? '0'}::bigint ORDER BY id`.execute(world.db(service));
      return rows.map((r) => ({
        service,
        key: r.message_key ? r.message_key.toString() : null,
        eventType: r.event_type,
        reason: r.reason,
      }));
    }),
  );
  return perService.flat();
}
