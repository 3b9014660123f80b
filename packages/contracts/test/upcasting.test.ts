import { defineUpcasters, upcast, upcastTo, type OrderPlacedV2 } from '../src/index.js';
import { samples } from './samples.js';

/** A toy event map, to test the mechanism apart from the contracts. */
interface Counter {
  'counted.v1': { n: number };
  'counted.v2': { count: number };
  'counted.v3': { count: number; unit: string };
  'reset.v1': { at: number };
}

const counter = defineUpcasters<Counter>()({
  'counted.v1': { to: 'counted.v2', lift: (v1) => ({ count: v1.n }) },
  'counted.v2': { to: 'counted.v3', lift: (v2) => ({ ...v2, unit: 'items' }) },
});

describe('defineUpcasters', () => {
  it('chains steps to the newest type, and says so in the types', () => {
    const newest = counter.upcast('counted.v1', { n: 2 });
    const type: 'counted.v3' = newest.type; // compile-time: the chain's end, not any type
    expect(type).toBe('counted.v3');
    expect(newest).toEqual({ type: 'counted.v3', data: { count: 2, unit: 'items' } });
    expect(counter.upcast('counted.v2', { count: 5 })).toEqual({
      type: 'counted.v3',
      data: { count: 5, unit: 'items' },
    });
  });

  it('passes the newest type and types without steps through unchanged', () => {
    const data = { count: 1, unit: 'kg' };
    expect(counter.upcast('counted.v3', data).data).toBe(data);
    expect(counter.upcast('reset.v1', { at: 1 })).toEqual({ type: 'reset.v1', data: { at: 1 } });
  });

  it('lifts to a given type, or says undefined when it is not reachable', () => {
    expect(counter.upcastTo('counted.v2', 'counted.v1', { n: 3 })).toEqual({ count: 3 });
    expect(counter.upcastTo('counted.v3', 'counted.v1', { n: 3 })).toEqual({ count: 3, unit: 'items' });
    expect(counter.upcastTo('counted.v1', 'counted.v1', { n: 3 })).toEqual({ n: 3 });
    expect(counter.upcastTo('counted.v1', 'counted.v2', { count: 3 })).toBeUndefined(); // no downcasting
    expect(counter.upcastTo('counted.v3', 'reset.v1', { at: 1 })).toBeUndefined();
  });

  it('refuses steps that loop', () => {
    expect(() =>
      defineUpcasters<Counter>()({
        'counted.v1': { to: 'counted.v2', lift: (v1) => ({ count: v1.n }) },
        'counted.v2': { to: 'counted.v1', lift: (v2) => ({ n: v2.count }) },
      }),
    ).toThrow('upcasters loop: counted.v1 → counted.v2 → counted.v1');
  });

  it('never takes a step from Object.prototype', () => {
    const data = { at: 1 };
    const type = 'constructor' as keyof Counter; // what an unvalidated string from storage could be
    expect(counter.upcast(type, data)).toEqual({ type: 'constructor', data });
  });
});

describe('contract upcasters', () => {
  it('lifts OrderPlaced v1 to v2: the customer becomes one record, with no name', () => {
    const v1 = samples['com.acme.order.placed.v1'];
    const { type, data } = upcast('com.acme.order.placed.v1', v1);
    const v2: OrderPlacedV2 = data; // compile-time: upcast knows v1 ends at v2
    expect(type).toBe('com.acme.order.placed.v2');
    expect(v2).toEqual({
      orderId: v1.orderId,
      customer: { id: v1.customerId, email: v1.customerEmail, name: null },
      lines: v1.lines,
      currency: v1.currency,
      totalMinor: v1.totalMinor,
      paymentToken: v1.paymentToken,
      placedAt: v1.placedAt,
      deadlineAt: v1.deadlineAt,
    });
    expect(upcastTo('com.acme.order.placed.v2', 'com.acme.order.placed.v1', v1)).toEqual(v2);
  });

  it('leaves v2 and unrelated types alone', () => {
    const v2 = samples['com.acme.order.placed.v2'];
    expect(upcast('com.acme.order.placed.v2', v2)).toEqual({ type: 'com.acme.order.placed.v2', data: v2 });
    const shipped = samples['com.acme.order.shipped.v1'];
    expect(upcast('com.acme.order.shipped.v1', shipped).data).toBe(shipped);
    expect(upcastTo('com.acme.order.placed.v2', 'com.acme.order.shipped.v1', shipped)).toBeUndefined();
  });
});
