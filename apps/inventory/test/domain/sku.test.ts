import {
  available,
  InsufficientStockError,
  InventoryValidationError,
  ReservationMismatchError,
  reservedFor,
  skuDecider,
  skuStreamId,
} from '../../src/domain/index.js';
import {
  addStock,
  at,
  releaseStock,
  reserveStock,
  skuSpec,
  skuState,
  stockAdded,
  stockReleased,
  stockReserved,
} from './fixtures.js';

const stocked = [stockAdded('A', 5)];
const holding = [...stocked, stockReserved('A', 'o1', 3)];

describe('AddStock', () => {
  it('creates an unknown SKU', () => {
    skuSpec
      .given([])
      .when(addStock('A', 5))
      .then([stockAdded('A', 5)]);
  });

  it('restocks a known one, reservations untouched', () => {
    skuSpec
      .given(holding)
      .when(addStock('A', 2, at(3)))
      .then([stockAdded('A', 2, at(3))]);
    expect(skuState([...holding, stockAdded('A', 2, at(3))])).toMatchObject({ onHand: 7, reserved: 3 });
  });

  it.each([
    ['a zero quantity', addStock('A', 0), /quantity must be a positive integer/],
    ['a negative quantity', addStock('A', -3), /quantity must be a positive integer/],
    ['a fractional quantity', addStock('A', 0.5), /quantity must be a positive integer/],
    ['an empty sku', addStock(' ', 1), /sku must not be empty/],
    ['a long sku', addStock('s'.repeat(65), 1), /sku must be at most 64 characters/],
  ])('refuses %s', (_what, command, message) => {
    skuSpec.given([]).when(command).thenThrows(InventoryValidationError, message);
  });

  it('refuses stock beyond safe integers', () => {
    skuSpec
      .given([stockAdded('A', Number.MAX_SAFE_INTEGER)])
      .when(addStock('A', 1))
      .thenThrows(InventoryValidationError, /would take the stock on hand beyond/);
  });

  it('lists every field error', () => {
    expect(() => skuDecider.decide(addStock('', -1), skuDecider.initialState())).toThrow(
      expect.objectContaining({
        errors: [
          { field: 'sku', message: 'must not be empty' },
          { field: 'quantity', message: 'must be a positive integer' },
        ],
        retriable: false,
      }) as Error,
    );
  });
});

describe('ReserveStock', () => {
  it('holds units for an order', () => {
    skuSpec
      .given(stocked)
      .when(reserveStock('A', 'o1', 3))
      .then([stockReserved('A', 'o1', 3)]);
  });

  it('may hold exactly what is available', () => {
    skuSpec
      .given(holding)
      .when(reserveStock('A', 'o2', 2))
      .then([stockReserved('A', 'o2', 2)]);
  });

  it('never oversells', () => {
    skuSpec
      .given(holding)
      .when(reserveStock('A', 'o2', 3))
      .thenThrows(InsufficientStockError, /sku A: requested 3, available 2/);
  });

  it('has nothing available for an unknown SKU', () => {
    skuSpec
      .given([])
      .when(reserveStock('Z', 'o1', 1))
      .thenThrows(InsufficientStockError, /available 0/);
  });

  it('is idempotent per order', () => {
    skuSpec
      .given(holding)
      .when(reserveStock('A', 'o1', 3))
      .thenNothing();
  });

  it('never resizes a hold', () => {
    skuSpec
      .given(holding)
      .when(reserveStock('A', 'o1', 1))
      .thenThrows(ReservationMismatchError, /order o1 already holds 3, cannot reserve 1/);
  });

  it('holds again after a release (the reservation stream, not the SKU, refuses a replay)', () => {
    skuSpec
      .given([...holding, stockReleased('A', 'o1', 3)])
      .when(reserveStock('A', 'o1', 3, at(4)))
      .then([stockReserved('A', 'o1', 3, at(4))]);
  });

  it.each([
    ['a zero quantity', reserveStock('A', 'o1', 0), /quantity must be a positive integer/],
    ['an unsafe quantity', reserveStock('A', 'o1', 2 ** 53), /quantity must be a positive integer/],
    ['an empty order id', reserveStock('A', '', 1), /orderId must not be empty/],
    ['a long order id', reserveStock('A', 'o'.repeat(129), 1), /orderId must be at most 128 characters/],
    ['an empty sku', reserveStock('', 'o1', 1), /sku must not be empty/],
  ])('refuses %s', (_what, command, message) => {
    skuSpec.given(stocked).when(command).thenThrows(InventoryValidationError, message);
  });

  it('treats awkward order ids as plain keys', () => {
    for (const orderId of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      skuSpec
        .given(stocked)
        .when(reserveStock('A', orderId, 2))
        .then([stockReserved('A', orderId, 2)]);
      const state = skuState([...stocked, stockReserved('A', orderId, 2)]);
      expect(reservedFor(state, orderId)).toBe(2);
      expect(reservedFor(skuState(stocked), orderId)).toBeUndefined();
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      const released = skuState([...stocked, stockReserved('A', orderId, 2), stockReleased('A', orderId, 2)]);
      expect(released).toEqual({ sku: 'A', onHand: 5, reserved: 0, reservations: {} });
    }
  });
});

describe('ReleaseStock', () => {
  it('gives back what the order holds', () => {
    skuSpec
      .given(holding)
      .when(releaseStock('A', 'o1'))
      .then([stockReleased('A', 'o1', 3)]);
  });

  it.each([
    ['an order that holds nothing', stocked],
    ['an order already released', [...holding, stockReleased('A', 'o1', 3)]],
    ['an unknown SKU', []],
  ])('does nothing for %s', (_what, history) => {
    skuSpec.given(history).when(releaseStock('A', 'o1')).thenNothing();
  });
});

describe('SKU state', () => {
  it('keeps on hand under reserve and release; available is what is not held', () => {
    const events = [
      stockAdded('A', 10),
      stockReserved('A', 'o1', 3),
      stockReserved('A', 'o2', 4),
      stockReleased('A', 'o1', 3),
    ];
    const state = skuState(events);
    expect(state).toEqual({ sku: 'A', onHand: 10, reserved: 4, reservations: { o2: 4 } });
    expect(available(state)).toBe(6);
  });

  it('is snapshotted on its stream', () => {
    expect(skuDecider.streamType).toBe('sku');
    expect(skuStreamId('A-1')).toBe('sku-A-1');
    expect(skuDecider.snapshot).toEqual({ every: 100, schemaVersion: 1 });
    expect([...skuDecider.eventTypes]).toEqual(['StockAdded', 'StockReserved', 'StockReleased']);
  });
});
