/**
 * What must hold after any fault, as pure functions over facts gathered from the running system
 * (facts.ts gathers them; invariants.test.ts breaks each one on purpose). Each check returns its
 * violations, one readable line each; none means it held.
 */

export const terminalStatuses = ['confirmed', 'cancelled', 'shipped'] as const;
export type OrderStatus = 'placed' | 'reserved' | (typeof terminalStatuses)[number];
/** Statuses whose stock stays reserved: inventory releases only on OrderCancelled. */
const holdingStock: readonly string[] = ['reserved', 'confirmed', 'shipped'];
const paid: readonly string[] = ['confirmed', 'shipped'];

export type MailKind = 'placed' | 'confirmed' | 'cancelled' | 'shipped';

/** One order as the order service, payment, analytics and the mail sink know it. */
export interface OrderFacts {
  orderId: string;
  /** The client got 201 (or 200 for a retried Idempotency-Key) for it. */
  accepted: boolean;
  /** The order service's view; undefined when it answers 404. */
  written?: {
    status: OrderStatus;
    totalMinor: number;
    currency: string;
    lines: readonly { sku: string; quantity: number }[];
    cancelReason: string | null;
    /** Its event stream's types, in order (OrderPlaced, StockReserved, …). */
    history: readonly string[];
  };
  /** The analytics read model's view; undefined when it answers 404. */
  readModel?: {
    status: string;
    totalMinor: number | null;
    currency: string | null;
    cancelReason: string | null;
  };
  /** From payment's event store: PaymentCharged and PaymentRefunded events of the order's payment. */
  payments: { charged: number; refunded: number };
  /** E-mails the SMTP sink received about the order. */
  mails: readonly { kind: MailKind; messageId: string | undefined }[];
}

export interface StockFacts {
  sku: string;
  /** What the test added. */
  seeded: number;
  onHand: number;
  reserved: number;
  available: number;
}

/** A row of a service's `dead_letters` table. */
export interface DeadLetterFact {
  service: string;
  key: string | null;
  eventType: string | null;
  reason: string;
}

/** A message the suite injected on purpose, and who must park it with which reason. */
export interface ExpectedPoison {
  key: string;
  reason: string;
  services: readonly string[];
  what: string;
}

export interface Facts {
  orders: readonly OrderFacts[];
  stock: readonly StockFacts[];
  deadLetters: readonly DeadLetterFact[];
  poison: readonly ExpectedPoison[];
}

export interface CheckOptions {
  /**
   * Count SMTP resends of one e-mail (same Message-ID) as one: notification documents that a crash
   * between the send and its record resends with the same Message-ID. Only a run that SIGKILLs
   * notification may see that; elsewhere a resend is a violation.
   */
  foldResends?: boolean;
}

export const invariantNames = [
  'no accepted order lost',
  'one outcome per order',
  'no double charge',
  'stock conserved',
  'every e-mail once',
  'read model agrees',
  'DLQ holds exactly the poison',
] as const;
export type InvariantName = (typeof invariantNames)[number];
export type Verdict = Record<InvariantName, string[]>;

/** Every order that was accepted exists and has reached a terminal state. */
export function noAcceptedOrderLost(orders: readonly OrderFacts[]): string[] {
  return orders
    .filter((o) => o.accepted)
    .flatMap((o) => {
      if (!o.written) return [`${o.orderId}: accepted, but the order service does not know it`];
      return (terminalStatuses as readonly string[]).includes(o.written.status)
        ? []
        : [`${o.orderId}: accepted, still ${o.written.status}`];
    });
}

/** At most one of each ending, and never shipped and cancelled both; the status matches the history. */
export function oneOutcomePerOrder(orders: readonly OrderFacts[]): string[] {
  return orders.flatMap((o) => {
    if (!o.written) return [];
    const count = (type: string) => o.written?.history.filter((t) => t === type).length ?? 0;
    const [cancelled, shipped, confirmed] = [
      count('OrderCancelled'),
      count('OrderShipped'),
      count('OrderConfirmed'),
    ];
    const problems: string[] = [];
    if (cancelled > 1) problems.push(`cancelled ${cancelled} times`);
    if (shipped > 1) problems.push(`shipped ${shipped} times`);
    if (confirmed > 1) problems.push(`confirmed ${confirmed} times`);
    if (cancelled > 0 && shipped > 0) problems.push('both shipped and cancelled');
    if (shipped > 0 && confirmed === 0) problems.push('shipped without confirmation');
    const expected =
      cancelled > 0 ? 'cancelled' : shipped > 0 ? 'shipped' : confirmed > 0 ? 'confirmed' : undefined;
    if (expected && o.written.status !== expected)
      problems.push(`status ${o.written.status}, but its history ends ${expected}`);
    return problems.map((p) => `${o.orderId}: ${p}`);
  });
}

/**
 * Per order at most one charge; a charged order is confirmed (or shipped) and not refunded, or
 * cancelled and refunded exactly once; an uncharged one is neither paid-for nor refunded. In sum:
 * charges = confirmed (+ shipped) + refunded-after-charge.
 */
export function noDoubleCharge(orders: readonly OrderFacts[]): string[] {
  const problems: string[] = [];
  let charges = 0;
  let paidFor = 0;
  let refundedAfterCharge = 0;
  for (const o of orders) {
    const { charged, refunded } = o.payments;
    const status = o.written?.status;
    charges += charged;
    if (status && paid.includes(status)) paidFor++;
    if (charged > 0) refundedAfterCharge += refunded;
    if (charged > 1) problems.push(`${o.orderId}: charged ${charged} times`);
    if (refunded > 1) problems.push(`${o.orderId}: refunded ${refunded} times`);
    if (refunded > charged) problems.push(`${o.orderId}: refunded ${refunded}, charged ${charged}`);
    if (status && paid.includes(status) && charged !== 1)
      problems.push(`${o.orderId}: ${status} with ${charged} charges`);
    if (status && paid.includes(status) && refunded > 0)
      problems.push(`${o.orderId}: ${status}, yet refunded`);
    if (status === 'cancelled' && charged > refunded)
      problems.push(`${o.orderId}: cancelled, charged ${charged} and refunded ${refunded}`);
  }
  if (problems.length === 0 && charges !== paidFor + refundedAfterCharge)
    problems.push(`charges ${charges} ≠ confirmed/shipped ${paidFor} + refunded ${refundedAfterCharge}`);
  return problems;
}

/**
 * Per SKU: nothing appeared or vanished (on hand = seeded), what is reserved is exactly the
 * quantity of the orders holding stock, and availability is never negative.
 */
export function stockConserved(stock: readonly StockFacts[], orders: readonly OrderFacts[]): string[] {
  const held = new Map<string, number>();
  for (const o of orders)
    if (o.written && holdingStock.includes(o.written.status))
      for (const line of o.written.lines) held.set(line.sku, (held.get(line.sku) ?? 0) + line.quantity);
  return stock.flatMap((s) => {
    const problems: string[] = [];
    const expected = held.get(s.sku) ?? 0;
    if (s.onHand !== s.seeded) problems.push(`on hand ${s.onHand}, seeded ${s.seeded}`);
    if (s.reserved !== expected) problems.push(`reserved ${s.reserved}, orders hold ${expected}`);
    if (s.available < 0 || s.reserved < 0)
      problems.push(`negative: reserved ${s.reserved}, available ${s.available}`);
    if (s.available !== s.onHand - s.reserved)
      problems.push(`available ${s.available} ≠ on hand ${s.onHand} − reserved ${s.reserved}`);
    return problems.map((p) => `${s.sku}: ${p}`);
  });
}

const mailOf: Record<string, MailKind> = {
  OrderPlaced: 'placed',
  OrderConfirmed: 'confirmed',
  OrderCancelled: 'cancelled',
  OrderShipped: 'shipped',
};

/** One e-mail per order and lifecycle fact (received, confirmed, cancelled, shipped), no more. */
export function everyMailOnce(orders: readonly OrderFacts[], options: CheckOptions = {}): string[] {
  return orders.flatMap((o) => {
    if (!o.written) return [];
    const expected = new Set(o.written.history.flatMap((t) => (mailOf[t] ? [mailOf[t]] : [])));
    const problems: string[] = [];
    for (const kind of ['placed', 'confirmed', 'cancelled', 'shipped'] as const) {
      const mails = o.mails.filter((m) => m.kind === kind);
      const distinct = options.foldResends
        ? new Set(mails.map((m) => m.messageId ?? Symbol())).size
        : mails.length;
      const want = expected.has(kind) ? 1 : 0;
      if (distinct !== want) problems.push(`${distinct} "${kind}" e-mails, expected ${want}`);
    }
    return problems.map((p) => `${o.orderId}: ${p}`);
  });
}

/** Lower case, dashes: `STOCK_INSUFFICIENT` and `stock-insufficient` are one reason. */
const reason = (r: string | null) => (r === null ? null : r.toLowerCase().replace(/_/g, '-'));

/** The analytics read model shows every order as the order service has it. */
export function readModelAgrees(orders: readonly OrderFacts[]): string[] {
  return orders.flatMap((o) => {
    if (!o.written) return [];
    if (!o.readModel)
      return [`${o.orderId}: missing from the read model (order service: ${o.written.status})`];
    const w = o.written;
    const r = o.readModel;
    const differ: string[] = [];
    if (r.status !== w.status) differ.push(`status ${r.status} ≠ ${w.status}`);
    if (r.totalMinor !== w.totalMinor) differ.push(`total ${String(r.totalMinor)} ≠ ${w.totalMinor}`);
    if (r.currency !== w.currency) differ.push(`currency ${String(r.currency)} ≠ ${w.currency}`);
    if (reason(r.cancelReason) !== reason(w.cancelReason))
      differ.push(`cancel reason ${String(r.cancelReason)} ≠ ${String(w.cancelReason)}`);
    return differ.length > 0 ? [`${o.orderId}: read model ${differ.join(', ')}`] : [];
  });
}

/** Each poison message is parked by each service it names, with its reason; nothing else is parked. */
export function deadLettersExact(
  deadLetters: readonly DeadLetterFact[],
  poison: readonly ExpectedPoison[],
): string[] {
  const problems: string[] = [];
  for (const p of poison)
    for (const service of p.services) {
      const rows = deadLetters.filter((d) => d.service === service && d.key === p.key);
      if (rows.length === 0) problems.push(`${p.what} (${p.key}) is not in ${service}'s DLQ`);
      else if (rows.some((d) => d.reason !== p.reason))
        problems.push(
          `${p.what} in ${service}'s DLQ as ${rows.map((d) => d.reason).join(', ')}, expected ${p.reason}`,
        );
      if (rows.length > 1) problems.push(`${p.what} parked ${rows.length} times by ${service}`);
    }
  for (const d of deadLetters) {
    const expected = poison.some((p) => p.key === d.key && p.services.includes(d.service));
    if (!expected)
      problems.push(
        `${d.service} parked ${d.eventType ?? 'a message'} (key ${String(d.key)}) as ${d.reason}`,
      );
  }
  return problems;
}

/** Every invariant over one set of facts. */
export function checkAll(facts: Facts, options: CheckOptions = {}): Verdict {
  return {
    'no accepted order lost': noAcceptedOrderLost(facts.orders),
    'one outcome per order': oneOutcomePerOrder(facts.orders),
    'no double charge': noDoubleCharge(facts.orders),
    'stock conserved': stockConserved(facts.stock, facts.orders),
    'every e-mail once': everyMailOnce(facts.orders, options),
    'read model agrees': readModelAgrees(facts.orders),
    'DLQ holds exactly the poison': deadLettersExact(facts.deadLetters, facts.poison),
  };
}

export const violations = (verdict: Verdict): string[] =>
  invariantNames.flatMap((name) => verdict[name].map((v) => `${name}: ${v}`));

/** HTTP replies to concurrent commands at one order agree with how it ended. */
export function repliesAgree(
  replies: readonly { command: 'cancel' | 'ship'; status: number }[],
  final: OrderStatus | undefined,
): string[] {
  const won = (command: 'cancel' | 'ship') =>
    replies.some((r) => r.command === command && r.status >= 200 && r.status < 300);
  const problems: string[] = [];
  const odd = replies.filter((r) => r.status >= 500 || (r.status >= 300 && r.status !== 409));
  if (odd.length > 0)
    problems.push(`unexpected replies: ${[...new Set(odd.map((r) => r.status))].join(', ')}`);
  if (won('cancel') && won('ship')) problems.push('both a cancel and a ship succeeded');
  if (won('ship') && final !== 'shipped')
    problems.push(`a ship succeeded, but the order is ${String(final)}`);
  if (won('cancel') && final !== 'cancelled')
    problems.push(`a cancel succeeded, but the order is ${String(final)}`);
  return problems;
}
