import { InventoryValidationError, planReservation, type SkuState } from '../../src/domain/index.js';
import { skuState, stockAdded, stockReserved } from './fixtures.js';

const skus = new Map<string, SkuState>([
  ['A', skuState([stockAdded('A', 5), stockReserved('A', 'other', 2)])], // 3 available
  ['B', skuState([stockAdded('B', 1)])],
  ['C', skuState([stockAdded('C', 4), stockReserved('C', 'o1', 4)])], // all held by o1 itself
]);

describe('planReservation', () => {
  it('reserves every line when each SKU has enough, sorted by SKU', () => {
    expect(
      planReservation(
        'o1',
        [
          { sku: 'B', quantity: 1 },
          { sku: 'A', quantity: 3 },
        ],
        skus,
      ),
    ).toEqual({
      kind: 'reserve',
      perSku: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
    });
  });

  it('sums lines of the same SKU', () => {
    expect(
      planReservation(
        'o1',
        [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
        skus,
      ),
    ).toEqual({
      kind: 'reserve',
      perSku: [
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ],
    });
    expect(
      planReservation(
        'o1',
        [
          { sku: 'A', quantity: 2 },
          { sku: 'A', quantity: 2 },
        ],
        skus,
      ),
    ).toEqual({ kind: 'insufficient', shortages: [{ sku: 'A', requested: 4, available: 3 }] });
  });

  it('reserves nothing when any line falls short, listing only the short SKUs in line order', () => {
    expect(
      planReservation(
        'o1',
        [
          { sku: 'B', quantity: 2 },
          { sku: 'A', quantity: 1 },
          { sku: 'Z', quantity: 1 },
        ],
        skus,
      ),
    ).toEqual({
      kind: 'insufficient',
      shortages: [
        { sku: 'B', requested: 2, available: 1 },
        { sku: 'Z', requested: 1, available: 0 },
      ],
    });
  });

  it('counts what the order already holds as available to it', () => {
    expect(planReservation('o1', [{ sku: 'C', quantity: 4 }], skus)).toEqual({
      kind: 'reserve',
      perSku: [{ sku: 'C', quantity: 4 }],
    });
    expect(planReservation('o2', [{ sku: 'C', quantity: 1 }], skus)).toEqual({
      kind: 'insufficient',
      shortages: [{ sku: 'C', requested: 1, available: 0 }],
    });
  });

  it('sorts by code unit, the same everywhere', () => {
    const many = new Map(['b', 'B', 'a', 'Ä', '10', '9'].map((sku) => [sku, skuState([stockAdded(sku, 1)])]));
    const plan = planReservation(
      'o1',
      [...many.keys()].map((sku) => ({ sku, quantity: 1 })),
      many,
    );
    expect(plan.kind === 'reserve' && plan.perSku.map((l) => l.sku)).toEqual(['10', '9', 'B', 'a', 'b', 'Ä']);
  });

  it.each([
    ['no lines', 'o1', [], /lines must not be empty/],
    ['an empty order id', '', [{ sku: 'A', quantity: 1 }], /orderId must not be empty/],
    ['an empty sku', 'o1', [{ sku: '', quantity: 1 }], /lines\[0\]\.sku must not be empty/],
    ['a zero quantity', 'o1', [{ sku: 'A', quantity: 0 }], /lines\[0\]\.quantity must be a positive integer/],
    [
      'a fractional quantity',
      'o1',
      [{ sku: 'A', quantity: 1.5 }],
      /lines\[0\]\.quantity must be a positive integer/,
    ],
    [
      'a sum beyond safe integers',
      'o1',
      [
        { sku: 'A', quantity: Number.MAX_SAFE_INTEGER },
        { sku: 'A', quantity: 1 },
      ],
      /lines\[1\]\.quantity sum per sku is too large/,
    ],
  ])('refuses %s', (_what, orderId, lines, message) => {
    expect(() => planReservation(orderId, lines, skus)).toThrow(InventoryValidationError);
    expect(() => planReservation(orderId, lines, skus)).toThrow(message);
  });
});
