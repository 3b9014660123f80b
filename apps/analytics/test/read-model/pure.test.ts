import {
  bucketCount,
  causalOrder,
  decodeCursor,
  encodeCursor,
  rangeProblem,
  serviceOf,
  traceIdOf,
} from '../../src/read-model/queries/index.js';

describe('order cursor', () => {
  it('round-trips and stays opaque, URL-safe text', () => {
    const cursor = { placedAtUs: '1767225600123456', orderId: 'ord-ü/1' };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each([
    ['', 'empty'],
    ['not a cursor!', 'not base64url'],
    [Buffer.from('{"a":1}').toString('base64url'), 'not a pair'],
    [Buffer.from('[1,"x"]').toString('base64url'), 'time not a string of digits'],
    [Buffer.from('["12x","x"]').toString('base64url'), 'time with a letter'],
    [Buffer.from('["12",""]').toString('base64url'), 'empty order id'],
    [Buffer.from('["12","x"').toString('base64url'), 'broken JSON'],
  ])('rejects %j (%s)', (text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});

describe('causal order of a timeline', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const e = (eventId: string, causationId: string | null, second: number) => ({
    eventId,
    causationId,
    occurredAt: at(second),
  });

  it('puts a cause before its effects even when clocks disagree', () => {
    // Payment's clock is behind: charged "happened" before reserved, which caused it.
    const placed = e('placed', 'cmd-1', 10);
    const reserved = e('reserved', 'placed', 12);
    const charged = e('charged', 'reserved', 11);
    const confirmed = e('confirmed', 'charged', 13);
    expect(causalOrder([confirmed, charged, reserved, placed]).map((x) => x.eventId)).toEqual([
      'placed',
      'reserved',
      'charged',
      'confirmed',
    ]);
  });

  it('breaks ties by time, then id, and keeps roots whose cause is elsewhere', () => {
    const placed = e('placed', 'cmd-1', 10);
    const mail = e('b-effect', 'placed', 11);
    const reserved = e('a-effect', 'placed', 11);
    const cancel = e('cancel', 'cmd-2', 12); // a customer's request: a new root
    const released = e('released', 'cancel', 13);
    expect(causalOrder([released, cancel, mail, reserved, placed]).map((x) => x.eventId)).toEqual([
      'placed',
      'a-effect',
      'b-effect',
      'cancel',
      'released',
    ]);
  });

  it('still lists every event of a (corrupt) cycle, by time', () => {
    const order = causalOrder([e('x', 'y', 2), e('y', 'x', 1), e('self', 'self', 0)]);
    expect(order.map((x) => x.eventId)).toEqual(['self', 'y', 'x']);
  });
});

describe('report buckets', () => {
  const t = (iso: string) => new Date(iso);

  it('counts the buckets a range touches', () => {
    expect(bucketCount(t('2026-01-01T00:00:00Z'), t('2026-01-01T01:00:00Z'), 'minute')).toBe(60);
    expect(bucketCount(t('2026-01-01T00:00:30Z'), t('2026-01-01T00:01:30Z'), 'minute')).toBe(2);
    expect(bucketCount(t('2026-01-01T10:00:00Z'), t('2026-01-03T00:00:00Z'), 'day')).toBe(2);
    expect(bucketCount(t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:00Z'), 'hour')).toBe(0);
  });

  it('accepts up to 10 000 buckets, refuses more and ranges that end before they start', () => {
    const from = t('2026-01-01T00:00:00Z');
    expect(rangeProblem(from, new Date(from.getTime() + 10_000 * 60_000), 'minute')).toBeUndefined();
    expect(rangeProblem(from, new Date(from.getTime() + 10_001 * 60_000), 'minute')).toMatch(
      /10001 minute buckets/,
    );
    expect(rangeProblem(from, new Date(from.getTime() + 10_001 * 60_000), 'hour')).toBeUndefined();
    expect(rangeProblem(from, from, 'day')).toBe('must be after from');
  });
});

describe('timeline helpers', () => {
  it('reads the trace id of a traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
    expect(traceIdOf(null)).toBeNull();
  });

  it('names the service from the CloudEvents source', () => {
    expect(serviceOf('/acme/payment')).toBe('payment');
    expect(serviceOf('/acme/order/')).toBe('order');
  });
});
