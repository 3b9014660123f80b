import { contracts, isEventType, lookup, UnknownEventTypeError, type EventType } from '../src/index.js';
import { expectedRecordNames } from '../tools/conventions.js';

/** The fixed conventions of ARCHITECTURE.md: CloudEvents type → topic and record. */
const expected: Record<EventType, readonly [topic: string, recordName: string]> = {
  'com.acme.order.placed.v1': ['order.events', 'com.acme.order.OrderPlaced'],
  'com.acme.order.placed.v2': ['order.events', 'com.acme.order.OrderPlacedV2'],
  'com.acme.order.confirmed.v1': ['order.events', 'com.acme.order.OrderConfirmed'],
  'com.acme.order.cancelled.v1': ['order.events', 'com.acme.order.OrderCancelled'],
  'com.acme.order.shipped.v1': ['order.events', 'com.acme.order.OrderShipped'],
  'com.acme.inventory.stock-added.v1': ['inventory.events', 'com.acme.inventory.StockAdded'],
  'com.acme.inventory.stock-reserved.v1': ['inventory.events', 'com.acme.inventory.StockReserved'],
  'com.acme.inventory.stock-insufficient.v1': ['inventory.events', 'com.acme.inventory.StockInsufficient'],
  'com.acme.inventory.stock-released.v1': ['inventory.events', 'com.acme.inventory.StockReleased'],
  'com.acme.payment.charged.v1': ['payment.events', 'com.acme.payment.PaymentCharged'],
  'com.acme.payment.failed.v1': ['payment.events', 'com.acme.payment.PaymentFailed'],
  'com.acme.payment.refunded.v1': ['payment.events', 'com.acme.payment.PaymentRefunded'],
};

it('has a contract for exactly the event types of the order lifecycle', () => {
  expect(Object.keys(contracts).sort()).toEqual(Object.keys(expected).sort());
});

describe.each(Object.entries(expected))('%s', (type, [topic, recordName]) => {
  const contract = lookup(type);

  it('is published on its topic under its record name and TopicRecordNameStrategy subject', () => {
    expect(contract).toMatchObject({ type, topic, recordName, subject: `${topic}-${recordName}` });
  });

  it('names its record by the convention (a major version above 1 in the name)', () => {
    const [, domain = '', event = '', major = ''] = /^com\.acme\.(\w+)\.([\w-]+)\.v(\d+)$/.exec(type) ?? [];
    expect(expectedRecordNames(domain, event, Number(major))).toContain(recordName);
  });

  it('carries its whole history, the current revision last', () => {
    expect(contract.history.length).toBeGreaterThan(0);
    expect(contract.history.at(-1)).toBe(contract.schema);
  });
});

it('keeps every revision: OrderConfirmed has two, the second adds an optional paymentId', () => {
  const { history } = contracts['com.acme.order.confirmed.v1'];
  expect(history.map((s) => s.fields.map((f) => f.name))).toEqual([
    ['orderId', 'confirmedAt'],
    ['orderId', 'confirmedAt', 'paymentId'],
  ]);
});

it('is frozen all the way down', () => {
  const { schema } = contracts['com.acme.order.placed.v2'];
  expect(Object.isFrozen(contracts)).toBe(true);
  expect(Object.isFrozen(schema.fields[0])).toBe(true);
});

it('refuses an unknown type with a clear, non-retriable error', () => {
  expect(() => lookup('com.acme.order.placed.v9')).toThrow(UnknownEventTypeError);
  expect(() => lookup('com.acme.order.placed.v9')).toThrow(
    /unknown event type "com.acme.order.placed.v9": @acme\/contracts knows com\.acme\./,
  );
  expect(new UnknownEventTypeError('x').retriable).toBe(false);
});

it('tells known types from strings, inherited object keys included', () => {
  expect(isEventType('com.acme.payment.failed.v1')).toBe(true);
  expect(isEventType('constructor')).toBe(false);
  expect(isEventType('')).toBe(false);
});
