// Property-style checks: long random sequences of stock operations, replayed the way the
// application would (decide, then evolve every stream touched), with a fixed seed so a failure is
// reproducible. After every step: nothing oversold, on hand conserved, every order all or nothing.
import {
  available,
  evolveReservation,
  evolveSku,
  InsufficientStockError,
  initialReservationState,
  initialSkuState,
  releaseOrderStock,
  reserveOrderStock,
  reservedFor,
  skuDecider,
  type ReservationState,
  type SkuState,
  type StockDecision,
  type StockLine,
} from '../../src/domain/index.js';
import { addStock, releaseStock, reserveStock } from './fixtures.js';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const skuNames = ['A', 'B', 'C', 'D'];

describe.each([1, 42, 2025])('random operations, seed %i', (seed) => {
  it('one SKU: available never negative, on hand changes only by added stock', () => {
    const random = prng(seed);
    const int = (max: number) => 1 + Math.floor(random() * max);
    let state = skuDecider.initialState();
    let added = 0;
    let refusals = 0;
    for (let step = 0; step < 3000; step++) {
      const roll = random();
      const orderId = `o${int(25)}`;
      const restock = roll < 0.1 ? int(6) : 0;
      const command =
        restock > 0
          ? addStock('A', restock, step)
          : roll < 0.6
            ? reserveStock('A', orderId, reservedFor(state, orderId) ?? int(4), step)
            : releaseStock('A', orderId, step);
      try {
        state = skuDecider.decide(command, state).reduce(evolveSku, state);
        added += restock;
      } catch (error) {
        if (!(error instanceof InsufficientStockError)) throw error;
        refusals++;
      }
      const held = Object.values(state.reservations);
      const broken = [
        ...(available(state) < 0 ? [`oversold: available ${available(state)}`] : []),
        ...(state.onHand !== added ? [`on hand ${state.onHand}, added ${added}`] : []),
        ...(state.reserved !== held.reduce((sum, q) => sum + q, 0)
          ? ['reserved is not the sum of holds']
          : []),
        ...(held.some((q) => !Number.isSafeInteger(q) || q < 1) ? ['a hold is not a positive integer'] : []),
      ];
      if (broken.length > 0) throw new Error(`step ${step}: ${broken.join('; ')}`);
    }
    expect(refusals).toBeGreaterThan(0);
  });

  it('many orders over many SKUs: all or nothing, never oversold, stock conserved', () => {
    const random = prng(seed);
    const int = (max: number) => 1 + Math.floor(random() * max);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const skus = new Map<string, SkuState>();
    const orders = new Map<string, ReservationState>();
    const orderLines = new Map<string, StockLine[]>();
    const added = new Map<string, number>();
    const outcomes = { reserved: 0, refused: 0, released: 0 };

    const apply = (orderId: string, decision: StockDecision) => {
      const skusInOrder = decision.skus.map((s) => s.sku);
      expect(skusInOrder).toEqual([...skusInOrder].sort());
      for (const { sku, events } of decision.skus) {
        skus.set(sku, events.reduce(evolveSku, skus.get(sku) ?? initialSkuState()));
      }
      const before = orders.get(orderId) ?? initialReservationState();
      orders.set(orderId, decision.reservation.reduce(evolveReservation, before));
      for (const event of decision.reservation) {
        if (event.type === 'ReservationMade') outcomes.reserved++;
        if (event.type === 'ReservationRefused') outcomes.refused++;
        if (event.type === 'ReservationReleased' && event.data.lines.length > 0) outcomes.released++;
      }
    };

    for (let step = 0; step < 3000; step++) {
      const roll = random();
      const orderId = `order-${int(400)}`;
      const reservation = orders.get(orderId) ?? initialReservationState();
      if (roll < 0.15) {
        const sku = pick(skuNames);
        const quantity = int(5);
        const events = skuDecider.decide(addStock(sku, quantity, step), skus.get(sku) ?? initialSkuState());
        skus.set(sku, events.reduce(evolveSku, skus.get(sku) ?? initialSkuState()));
        added.set(sku, (added.get(sku) ?? 0) + quantity);
      } else if (roll < 0.65) {
        // The same order may be placed again (a redelivery); its lines stay the same.
        const lines =
          orderLines.get(orderId) ??
          Array.from({ length: int(4) }, () => ({ sku: pick(skuNames), quantity: int(3) }));
        orderLines.set(orderId, lines);
        apply(orderId, reserveOrderStock({ orderId, lines, now: step }, reservation, skus));
      } else {
        apply(orderId, releaseOrderStock({ orderId, now: step }, reservation, skus));
      }

      // The order just handled every step; every order now and then (a step only touches its own).
      const handled = orders.get(orderId);
      const checked = step % 50 === 0 ? orders : new Map(handled ? [[orderId, handled]] : []);
      const broken = violations(skus, added, checked, orderLines);
      if (broken.length > 0) throw new Error(`step ${step}: ${broken.join('; ')}`);
    }
    expect(violations(skus, added, orders, orderLines)).toEqual([]);
    // The sequence really exercised every branch.
    expect(outcomes.reserved).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(20);
    expect(outcomes.released).toBeGreaterThan(10);
  });
});

/** Every broken invariant, as text; plain comparisons so thousands of steps stay fast. */
function violations(
  skus: ReadonlyMap<string, SkuState>,
  added: ReadonlyMap<string, number>,
  orders: ReadonlyMap<string, ReservationState>,
  orderLines: ReadonlyMap<string, StockLine[]>,
): string[] {
  const found: string[] = [];
  for (const sku of skuNames) {
    const state = skus.get(sku) ?? initialSkuState();
    const sum = Object.values(state.reservations).reduce((total, q) => total + q, 0);
    if (available(state) < 0) found.push(`${sku} oversold: available ${available(state)}`);
    if (state.onHand !== (added.get(sku) ?? 0)) found.push(`${sku} on hand ${state.onHand} != added`);
    if (state.reserved !== sum) found.push(`${sku} reserved ${state.reserved} != held ${sum}`);
  }
  // All or nothing: a reserved order holds exactly its summed lines on every SKU; any other holds nothing.
  for (const [orderId, state] of orders) {
    const expected = new Map<string, number>();
    if (state.status === 'reserved') {
      for (const line of orderLines.get(orderId) ?? []) {
        expected.set(line.sku, (expected.get(line.sku) ?? 0) + line.quantity);
      }
    }
    if (state.status === 'reserved') {
      const recorded = state.lines.map((l) => `${l.sku}:${l.quantity}`).join();
      const summed = [...expected]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([sku, q]) => `${sku}:${q}`)
        .join();
      if (recorded !== summed) found.push(`${orderId} recorded ${recorded}, ordered ${summed}`);
    }
    for (const sku of skuNames) {
      const held = reservedFor(skus.get(sku) ?? initialSkuState(), orderId);
      if (held !== expected.get(sku))
        found.push(`${orderId} holds ${held} of ${sku}, expected ${expected.get(sku)}`);
    }
  }
  return found;
}
