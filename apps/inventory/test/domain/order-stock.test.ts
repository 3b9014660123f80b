import {
  evolveReservation,
  evolveSku,
  initialReservationState,
  InsufficientStockError,
  releaseOrderStock,
  reserveOrderStock,
  skuDecider,
  type ReservationEvent,
  type ReservationState,
  type SkuState,
} from '../../src/domain/index.js';
import { at, reserveStock, skuState, stockAdded, stockReleased, stockReserved } from './fixtures.js';

const none = initialReservationState();
const fold = (events: ReservationEvent[]): ReservationState => events.reduce(evolveReservation, none);
const stock = (): Map<string, SkuState> =>
  new Map([
    ['A', skuState([stockAdded('A', 3)])],
    ['B', skuState([stockAdded('B', 1)])],
  ]);
const lines = [
  { sku: 'B', quantity: 1 },
  { sku: 'A', quantity: 2 },
];
const reserved = [
  { sku: 'A', quantity: 2 },
  { sku: 'B', quantity: 1 },
];

describe('reserveOrderStock (OrderPlaced)', () => {
  it('holds every line on its SKU stream and records the reservation, SKUs sorted', () => {
    expect(reserveOrderStock({ orderId: 'o1', lines, now: at(1) }, none, stock())).toEqual({
      reservation: [{ type: 'ReservationMade', data: { orderId: 'o1', lines: reserved, reservedAt: at(1) } }],
      skus: [
        { sku: 'A', events: [stockReserved('A', 'o1', 2)] },
        { sku: 'B', events: [stockReserved('B', 'o1', 1)] },
      ],
    });
  });

  it('holds nothing when one line falls short, and records the refusal', () => {
    const shortLines = [...lines, { sku: 'Z', quantity: 1 }];
    expect(reserveOrderStock({ orderId: 'o1', lines: shortLines, now: at(1) }, none, stock())).toEqual({
      reservation: [
        {
          type: 'ReservationRefused',
          data: { orderId: 'o1', shortages: [{ sku: 'Z', requested: 1, available: 0 }], refusedAt: at(1) },
        },
      ],
      skus: [],
    });
  });

  it.each([
    [
      'reserved',
      fold([{ type: 'ReservationMade', data: { orderId: 'o1', lines: reserved, reservedAt: at(1) } }]),
    ],
    [
      'refused',
      fold([{ type: 'ReservationRefused', data: { orderId: 'o1', shortages: [], refusedAt: at(1) } }]),
    ],
    [
      'released',
      fold([{ type: 'ReservationReleased', data: { orderId: 'o1', lines: [], releasedAt: at(1) } }]),
    ],
  ])('answers an order once: nothing when it was already %s', (_state, reservation) => {
    expect(reserveOrderStock({ orderId: 'o1', lines, now: at(5) }, reservation, stock())).toEqual({
      reservation: [],
      skus: [],
    });
  });

  it('asks nothing twice of a SKU that already holds the order (a retried, partly seen attempt)', () => {
    const skus = stock();
    skus.set('A', skuState([stockAdded('A', 3), stockReserved('A', 'o1', 2)]));
    const decision = reserveOrderStock({ orderId: 'o1', lines, now: at(1) }, none, skus);
    expect(decision.skus).toEqual([{ sku: 'B', events: [stockReserved('B', 'o1', 1)] }]);
    expect(decision.reservation).toHaveLength(1);
  });

  it('a plan made on stale state is refused by the SKU, and planning again on fresh state refuses the order', () => {
    // Two orders read the same SKU state; o1 commits first. o2's append then fails on the version,
    // and the handler decides again on what it reloads.
    const snapshot = stock();
    const first = reserveOrderStock(
      { orderId: 'o1', lines: [{ sku: 'A', quantity: 2 }], now: at(1) },
      none,
      snapshot,
    );
    const second = reserveOrderStock(
      { orderId: 'o2', lines: [{ sku: 'A', quantity: 2 }], now: at(1) },
      none,
      snapshot,
    );
    expect(second.skus).toHaveLength(1);

    const fresh = new Map(snapshot);
    fresh.set(
      'A',
      (first.skus[0]?.events ?? []).reduce(evolveSku, snapshot.get('A') ?? skuDecider.initialState()),
    );
    expect(() =>
      skuDecider.decide(reserveStock('A', 'o2', 2), fresh.get('A') ?? skuDecider.initialState()),
    ).toThrow(InsufficientStockError);
    expect(
      reserveOrderStock({ orderId: 'o2', lines: [{ sku: 'A', quantity: 2 }], now: at(2) }, none, fresh),
    ).toEqual({
      reservation: [
        {
          type: 'ReservationRefused',
          data: { orderId: 'o2', shortages: [{ sku: 'A', requested: 2, available: 1 }], refusedAt: at(2) },
        },
      ],
      skus: [],
    });
  });
});

describe('releaseOrderStock (OrderCancelled)', () => {
  const held = fold([
    { type: 'ReservationMade', data: { orderId: 'o1', lines: reserved, reservedAt: at(1) } },
  ]);
  const holding = () =>
    new Map([
      ['A', skuState([stockAdded('A', 3), stockReserved('A', 'o1', 2)])],
      ['B', skuState([stockAdded('B', 1), stockReserved('B', 'o1', 1)])],
    ]);

  it('gives back every line, SKUs sorted, and records the release', () => {
    expect(releaseOrderStock({ orderId: 'o1', now: at(2) }, held, holding())).toEqual({
      reservation: [
        { type: 'ReservationReleased', data: { orderId: 'o1', lines: reserved, releasedAt: at(2) } },
      ],
      skus: [
        { sku: 'A', events: [stockReleased('A', 'o1', 2)] },
        { sku: 'B', events: [stockReleased('B', 'o1', 1)] },
      ],
    });
  });

  it('releases nothing for a refused order', () => {
    const refused = fold([
      { type: 'ReservationRefused', data: { orderId: 'o1', shortages: [], refusedAt: at(1) } },
    ]);
    expect(releaseOrderStock({ orderId: 'o1', now: at(2) }, refused, holding())).toEqual({
      reservation: [],
      skus: [],
    });
  });

  it('does nothing the second time', () => {
    const released = fold([
      { type: 'ReservationMade', data: { orderId: 'o1', lines: reserved, reservedAt: at(1) } },
      { type: 'ReservationReleased', data: { orderId: 'o1', lines: reserved, releasedAt: at(2) } },
    ]);
    expect(releaseOrderStock({ orderId: 'o1', now: at(3) }, released, stock())).toEqual({
      reservation: [],
      skus: [],
    });
  });

  it('leaves a tombstone for an order never answered, so a late OrderPlaced holds nothing', () => {
    const decision = releaseOrderStock({ orderId: 'o1', now: at(2) }, none, stock());
    expect(decision).toEqual({
      reservation: [{ type: 'ReservationReleased', data: { orderId: 'o1', lines: [], releasedAt: at(2) } }],
      skus: [],
    });
    expect(
      reserveOrderStock({ orderId: 'o1', lines, now: at(3) }, fold(decision.reservation), stock()),
    ).toEqual({
      reservation: [],
      skus: [],
    });
  });

  it('skips a SKU that no longer holds the order', () => {
    const skus = holding();
    skus.delete('B');
    expect(releaseOrderStock({ orderId: 'o1', now: at(2) }, held, skus).skus).toEqual([
      { sku: 'A', events: [stockReleased('A', 'o1', 2)] },
    ]);
  });
});
