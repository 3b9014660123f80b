import { compileFilter, type EventPattern } from '../../src/filter/index.js';
import { envelope, matches, placed, placedData } from './fixtures.js';

type Row = [what: string, pattern: EventPattern, event: unknown, expected: boolean];

describe('nesting, AND across keys, OR within a list', () => {
  it.each<Row>([
    ['a top-level key', { type: ['com.acme.order.placed.v1'] }, placed, true],
    ['a nested key', { data: { currency: ['USD'] } }, placed, true],
    ['a key two levels down', { data: { shipping: { country: ['DE'] } } }, placed, true],
    ['a key two levels down, other value', { data: { shipping: { country: ['FR'] } } }, placed, false],
    ['a pattern deeper than the event', { data: { currency: { code: ['USD'] } } }, placed, false],
    ['a nested key under a missing object', { data: { billing: { country: ['DE'] } } }, placed, false],
    ['a nested key under a string', { subject: { id: ['order-42'] } }, placed, false],
    [
      'AND: every key matches',
      { type: ['com.acme.order.placed.v1'], data: { currency: ['USD'], totalMinor: [12_500] } },
      placed,
      true,
    ],
    [
      'AND: one key fails',
      { type: ['com.acme.order.placed.v1'], data: { currency: ['USD'], totalMinor: [1] } },
      placed,
      false,
    ],
    ['OR: one value of the list matches', { data: { currency: ['EUR', 'USD'] } }, placed, true],
    ['OR: mixing operators', { data: { currency: ['EUR', { prefix: 'US' }] } }, placed, true],
    ['OR: no value matches', { data: { currency: ['EUR', { prefix: 'GB' }] } }, placed, false],
    ['a null field matched by null', { data: { discountCode: [null] } }, placed, true],
    ['a null field exists', { data: { discountCode: [{ exists: true }] } }, placed, true],
    ['a null field is not missing', { data: { discountCode: [{ exists: false }] } }, placed, false],
    ['a missing field is not null', { data: { couponCode: [null] } }, placed, false],
    ['a missing field, exists: false', { data: { couponCode: [{ exists: false }] } }, placed, true],
    [
      'an object field, exists: false (not a leaf)',
      { data: { shipping: [{ exists: false }] } },
      placed,
      true,
    ],
    ['an object field, exists: true (not a leaf)', { data: { shipping: [{ exists: true }] } }, placed, false],
    [
      'a field set to undefined counts as missing',
      { subject: [{ exists: false }] },
      { subject: undefined },
      true,
    ],
  ])('%s', (_, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });
});

describe('arrays of objects: one element must match all of its keys', () => {
  it.each<Row>([
    ['a key on one element', { data: { lines: { sku: [{ prefix: 'SKU-' }] } } }, placed, true],
    ['a key on no element', { data: { lines: { sku: [{ prefix: 'BOOK-' }] } } }, placed, false],
    [
      'two keys on the same element',
      { data: { lines: { sku: [{ prefix: 'SKU-' }], quantity: [2] } } },
      placed,
      true,
    ],
    [
      'two keys true of different elements only',
      { data: { lines: { sku: [{ prefix: 'GIFT-' }], quantity: [2] } } },
      placed,
      false,
    ],
    [
      'exists: false, true of an element that lacks the key',
      { data: { lines: { giftWrap: [{ exists: false }] } } },
      placed,
      true,
    ],
    [
      'a key under an element key',
      { data: { lines: { tax: { code: ['VAT'] } } } },
      { data: { lines: [{ sku: 'a' }, { sku: 'b', tax: { code: 'VAT' } }] } },
      true,
    ],
    [
      'nested arrays of objects, flattened',
      { data: { boxes: { sku: ['SKU-2'] } } },
      { data: { boxes: [[{ sku: 'SKU-1' }], [{ sku: 'SKU-2' }]] } },
      true,
    ],
    [
      'an empty array: positive matchers see nothing',
      { data: { lines: { sku: [{ prefix: 'SKU-' }] } } },
      { data: { lines: [] } },
      false,
    ],
    [
      'an empty array: exists: false holds',
      { data: { lines: { sku: [{ exists: false }] } } },
      { data: { lines: [] } },
      true,
    ],
  ])('%s', (_, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });
});

describe('events that are not objects', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'com.acme.order.placed.v1'],
    ['a number', 42],
  ])('%s: holds no field, so only exists: false matches', (_, event) => {
    expect(matches({ type: [{ exists: false }] }, event)).toBe(true);
    expect(matches({ type: [{ 'anything-but': 'x' }] }, event)).toBe(false);
    expect(matches({ type: [{ exists: true }] }, event)).toBe(false);
  });

  it('looks at own fields only, not at what objects inherit', () => {
    expect(matches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ toString: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ data: { hasOwnProperty: [{ exists: false }] } }, { data: {} })).toBe(true);
  });
});

describe('our subscriptions', () => {
  const orderPlacedOverTenThousand = {
    type: ['com.acme.order.placed.v1', 'com.acme.order.placed.v2'],
    subject: [{ exists: true }],
    data: {
      totalMinor: [{ numeric: ['>=', 10_000] }],
      lines: { sku: [{ prefix: 'SKU-' }] },
      currency: [{ 'anything-but': ['EUR'] }],
    },
  } satisfies EventPattern;
  const filter = compileFilter(orderPlacedOverTenThousand);
  const { subject: _subject, ...withoutSubject } = placed;

  it.each<[string, unknown, boolean]>([
    ['an order.placed.v1 that fits', placed, true],
    ['an order.placed.v2 that fits', { ...placed, type: 'com.acme.order.placed.v2' }, true],
    ['another version', { ...placed, type: 'com.acme.order.placed.v3' }, false],
    ['another event type', { ...placed, type: 'com.acme.order.cancelled.v1' }, false],
    ['no subject', withoutSubject, false],
    ['a total just at the threshold', { ...placed, data: { ...placedData, totalMinor: 10_000 } }, true],
    ['a total below the threshold', { ...placed, data: { ...placedData, totalMinor: 9_999 } }, false],
    ['a total sent as a string', { ...placed, data: { ...placedData, totalMinor: '12500' } }, false],
    ['a euro order', { ...placed, data: { ...placedData, currency: 'EUR' } }, false],
    ['no currency at all', { ...placed, data: { ...placedData, currency: undefined } }, false],
    [
      'no SKU- line',
      { ...placed, data: { ...placedData, lines: [{ sku: 'GIFT-25', quantity: 1, unitPriceMinor: 2_500 }] } },
      false,
    ],
    ['the envelope without the payload', envelope, false],
  ])('%s', (_, event, expected) => {
    expect(filter.matches(event)).toBe(expected);
  });
});

describe('the compiled pattern', () => {
  it('is a frozen copy: changing the source afterwards changes nothing', () => {
    const source = { data: { currency: ['USD'] } };
    const filter = compileFilter(source);
    source.data.currency[0] = 'EUR';
    expect(filter.matches(placed)).toBe(true);
    expect(filter.pattern).toEqual({ data: { currency: ['USD'] } });
    expect(Object.isFrozen(filter.pattern)).toBe(true);
    expect(Object.isFrozen(filter.pattern.data)).toBe(true);
  });

  it('accepts a pattern parsed from JSON configuration', () => {
    const filter = compileFilter(
      JSON.parse('{"type":["com.acme.order.placed.v1"],"data":{"lines":{"sku":[{"prefix":"SKU-"}]}}}'),
    );
    expect(filter.matches(placed)).toBe(true);
  });
});
