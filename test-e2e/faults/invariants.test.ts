/**
 * The fault suite's checker, without I/O: a healthy set of facts passes every invariant, and each
 * invariant fails — alone — when its rule is broken on purpose. This is how we know the fault
 * scenarios can fail.
 */
import {
  checkAll,
  invariantNames,
  repliesAgree,
  violations,
  type Facts,
  type InvariantName,
  type OrderFacts,
} from './invariants.js';

const mail = (kind: OrderFacts['mails'][number]['kind'], orderId: string) => ({
  kind,
  messageId: `<${kind}-${orderId}@acme.notification>`,
});

function order(
  orderId: string,
  status: 'confirmed' | 'shipped' | 'cancelled',
  history: string[],
  payments: OrderFacts['payments'],
  extra: { sku?: string; quantity?: number; cancelReason?: string } = {},
): OrderFacts {
  const kinds = {
    OrderPlaced: 'placed',
    OrderConfirmed: 'confirmed',
    OrderCancelled: 'cancelled',
    OrderShipped: 'shipped',
  } as const;
  return {
    orderId,
    accepted: true,
    written: {
      status,
      totalMinor: 2500,
      currency: 'EUR',
      lines: [{ sku: extra.sku ?? 'sku-a', quantity: extra.quantity ?? 2 }],
      cancelReason: extra.cancelReason ?? null,
      history,
    },
    readModel: {
      status,
      totalMinor: 2500,
      currency: 'EUR',
      cancelReason: extra.cancelReason ? extra.cancelReason.toUpperCase().replace(/-/g, '_') : null,
    },
    payments,
    mails: history.flatMap((t) => (t in kinds ? [mail(kinds[t as keyof typeof kinds], orderId)] : [])),
  };
}

/** One order of each ending: confirmed, shipped, out of stock, declined, refunded after confirmation. */
function healthy(): Facts {
  return {
    orders: [
      order(
        'o-confirmed',
        'confirmed',
        ['OrderPlaced', 'StockReserved', 'PaymentCharged', 'OrderConfirmed'],
        {
          charged: 1,
          refunded: 0,
        },
      ),
      order(
        'o-shipped',
        'shipped',
        ['OrderPlaced', 'StockReserved', 'PaymentCharged', 'OrderConfirmed', 'OrderShipped'],
        { charged: 1, refunded: 0 },
      ),
      order(
        'o-scarce',
        'cancelled',
        ['OrderPlaced', 'OrderCancelled'],
        { charged: 0, refunded: 0 },
        {
          sku: 'sku-b',
          quantity: 5,
          cancelReason: 'stock-insufficient',
        },
      ),
      order(
        'o-declined',
        'cancelled',
        ['OrderPlaced', 'StockReserved', 'OrderCancelled'],
        { charged: 0, refunded: 0 },
        {
          cancelReason: 'payment-failed',
        },
      ),
      order(
        'o-regret',
        'cancelled',
        ['OrderPlaced', 'StockReserved', 'PaymentCharged', 'OrderConfirmed', 'OrderCancelled'],
        { charged: 1, refunded: 1 },
        { cancelReason: 'customer' },
      ),
    ],
    // sku-a: confirmed 2 + shipped 2 held; sku-b: nothing held.
    stock: [
      { sku: 'sku-a', seeded: 10, onHand: 10, reserved: 4, available: 6 },
      { sku: 'sku-b', seeded: 3, onHand: 3, reserved: 0, available: 3 },
    ],
    deadLetters: [
      { service: 'inventory', key: 'poison-1', eventType: 'com.acme.order.placed.v2', reason: 'undecodable' },
      { service: 'analytics', key: 'poison-1', eventType: 'com.acme.order.placed.v2', reason: 'undecodable' },
    ],
    poison: [
      { key: 'poison-1', reason: 'undecodable', services: ['inventory', 'analytics'], what: 'garbage' },
    ],
  };
}

/** The invariants a verdict says were broken. */
const broken = (facts: Facts, options = {}): InvariantName[] => {
  const verdict = checkAll(facts, options);
  return invariantNames.filter((name) => verdict[name].length > 0);
};

/** The fixture's own parts, which every healthy order has. */
function sides(o: OrderFacts) {
  if (!o.written || !o.readModel) throw new Error(`fixture order ${o.orderId} lacks a side`);
  return { written: o.written, readModel: o.readModel };
}

const edit = (facts: Facts, orderId: string, change: (o: OrderFacts) => OrderFacts): Facts => ({
  ...facts,
  orders: facts.orders.map((o) => (o.orderId === orderId ? change(o) : o)),
});

describe('the fault suite invariants', () => {
  it('hold for a healthy run with one order of each ending', () => {
    expect(violations(checkAll(healthy()))).toEqual([]);
  });

  it('catch an accepted order the order service does not know', () => {
    const facts = edit(healthy(), 'o-declined', ({ written: _gone, readModel: _too, ...o }) => ({
      ...o,
      payments: { charged: 0, refunded: 0 },
      mails: [],
    }));
    expect(broken(facts)).toEqual(['no accepted order lost']);
  });

  it('catch an accepted order stuck before a terminal state', () => {
    const stuck = healthy();
    const facts = edit(stuck, 'o-declined', (o) => ({
      ...o,
      written: {
        ...sides(o).written,
        status: 'reserved',
        cancelReason: null,
        history: ['OrderPlaced', 'StockReserved'],
      },
      readModel: { ...sides(o).readModel, status: 'reserved', cancelReason: null },
      mails: [mail('placed', o.orderId)],
    }));
    // The stock it still holds is consistent: 2 more of sku-a reserved.
    const held = {
      ...facts,
      stock: facts.stock.map((s) => (s.sku === 'sku-a' ? { ...s, reserved: 6, available: 4 } : s)),
    };
    expect(broken(held)).toEqual(['no accepted order lost']);
  });

  it('catch an order that was both shipped and cancelled', () => {
    const facts = edit(healthy(), 'o-shipped', (o) => ({
      ...o,
      written: { ...sides(o).written, history: [...sides(o).written.history, 'OrderCancelled'] },
    }));
    expect(broken(facts)).toContain('one outcome per order');
  });

  it('catch a double charge, and a confirmed order nobody paid for', () => {
    const twice = edit(healthy(), 'o-confirmed', (o) => ({ ...o, payments: { charged: 2, refunded: 0 } }));
    expect(broken(twice)).toEqual(['no double charge']);
    const unpaid = edit(healthy(), 'o-confirmed', (o) => ({ ...o, payments: { charged: 0, refunded: 0 } }));
    expect(broken(unpaid)).toEqual(['no double charge']);
  });

  it('catch a charge that was kept for a cancelled order (no refund)', () => {
    const facts = edit(healthy(), 'o-regret', (o) => ({ ...o, payments: { charged: 1, refunded: 0 } }));
    expect(broken(facts)).toEqual(['no double charge']);
  });

  it('catch oversold, leaked and invented stock', () => {
    const set = (sku: string, s: Partial<Facts['stock'][number]>) => ({
      ...healthy(),
      stock: healthy().stock.map((x) => (x.sku === sku ? { ...x, ...s } : x)),
    });
    expect(broken(set('sku-b', { reserved: 4, available: -1 }))).toEqual(['stock conserved']); // oversold
    expect(broken(set('sku-a', { reserved: 6, available: 4 }))).toEqual(['stock conserved']); // never released
    expect(broken(set('sku-a', { onHand: 12, available: 8 }))).toEqual(['stock conserved']); // appeared
  });

  it('catch an e-mail sent twice, and one never sent', () => {
    const twice = edit(healthy(), 'o-confirmed', (o) => ({
      ...o,
      mails: [...o.mails, { kind: 'confirmed', messageId: '<other@acme.notification>' }],
    }));
    expect(broken(twice)).toEqual(['every e-mail once']);
    const missing = edit(healthy(), 'o-regret', (o) => ({
      ...o,
      mails: o.mails.filter((m) => m.kind !== 'cancelled'),
    }));
    expect(broken(missing)).toEqual(['every e-mail once']);
  });

  it('fold a resend with the same Message-ID only when asked to (a SIGKILLed notification)', () => {
    const resent = edit(healthy(), 'o-confirmed', (o) => ({
      ...o,
      mails: [...o.mails, mail('confirmed', o.orderId)],
    }));
    expect(broken(resent)).toEqual(['every e-mail once']);
    expect(broken(resent, { foldResends: true })).toEqual([]);
  });

  it('catch a read model that differs from the order service, or lacks an order', () => {
    const stale = edit(healthy(), 'o-shipped', (o) => ({
      ...o,
      readModel: { ...sides(o).readModel, status: 'confirmed' },
    }));
    expect(broken(stale)).toEqual(['read model agrees']);
    const absent = edit(healthy(), 'o-shipped', ({ readModel: _gone, ...o }) => o);
    expect(broken(absent)).toEqual(['read model agrees']);
  });

  it('catch poison missing from a DLQ, parked with another reason, or anything else parked', () => {
    const facts = healthy();
    expect(broken({ ...facts, deadLetters: facts.deadLetters.slice(1) })).toEqual([
      'DLQ holds exactly the poison',
    ]);
    expect(
      broken({
        ...facts,
        deadLetters: facts.deadLetters.map((d) => ({ ...d, reason: 'retries-exhausted' })),
      }),
    ).toEqual(['DLQ holds exactly the poison']);
    const extra = {
      service: 'payment',
      key: 'o-confirmed',
      eventType: 'com.acme.inventory.stock-reserved.v1',
      reason: 'retries-exhausted',
    };
    expect(broken({ ...facts, deadLetters: [...facts.deadLetters, extra] })).toEqual([
      'DLQ holds exactly the poison',
    ]);
  });
});

describe('replies to concurrent commands', () => {
  const replies = (cancel: number, ship: number) => [
    ...Array.from({ length: 25 }, () => ({ command: 'cancel' as const, status: cancel })),
    ...Array.from({ length: 25 }, () => ({ command: 'ship' as const, status: ship })),
  ];

  it('agree with the outcome when one command wins', () => {
    expect(repliesAgree(replies(409, 200), 'shipped')).toEqual([]);
    expect(repliesAgree(replies(200, 409), 'cancelled')).toEqual([]);
  });

  it('catch two winners, a winner the order does not show, and a server error', () => {
    expect(repliesAgree(replies(200, 200), 'shipped')).not.toEqual([]);
    expect(repliesAgree(replies(409, 200), 'cancelled')).not.toEqual([]);
    expect(repliesAgree([...replies(409, 409), { command: 'ship', status: 500 }], 'confirmed')).not.toEqual(
      [],
    );
  });
});
