import { envelope, matches } from './fixtures.js';

/** Stands for "the event has no such field". */
const missing = Symbol('missing');

type Row = [what: string, values: readonly unknown[], field: unknown, expected: boolean];

/** Each row: the value list at `data.x`, the event's `data.x`, and whether the pattern matches. */
function check(values: readonly unknown[], field: unknown): boolean {
  const data = field === missing ? { other: 'x' } : { x: field, other: 'x' };
  return matches({ data: { x: values } }, { ...envelope, data });
}

describe('exact values', () => {
  it.each<Row>([
    ['an equal string', ['com.acme.order.placed.v1'], 'com.acme.order.placed.v1', true],
    ['a different string', ['com.acme.order.placed.v1'], 'com.acme.order.shipped.v1', false],
    ['a string differing in case only', ['EUR'], 'eur', false],
    ['one of several strings (OR)', ['EUR', 'USD', 'GBP'], 'USD', true],
    ['none of several strings', ['EUR', 'USD'], 'CHF', false],
    ['the empty string', [''], '', true],
    ['the empty string against null', [''], null, false],
    ['a string against a number holding the same digits', ['300'], 300, false],
    ['a string against a missing field', ['EUR'], missing, false],
    ['a string against an object holding it', ['EUR'], { code: 'EUR' }, false],
    ['an equal integer', [300], 300, true],
    ['an integer against the same float (300 vs 300.0)', [300], JSON.parse('300.0'), true],
    ['an integer against exponent notation (300 vs 3e2)', [300], JSON.parse('3e2'), true],
    ['a float against the same float', [301.5], 301.5, true],
    ['a number against another number', [300], 301, false],
    ['a number against a string holding it', [300], '300', false],
    ['a number against a bigint (Avro long)', [12_500], 12_500n, true],
    ['a negative number', [-1], -1, true],
    ['true against true', [true], true, true],
    ['true against false', [true], false, false],
    ['false against false', [false], false, true],
    ['true against the string "true"', [true], 'true', false],
    ['null against null', [null], null, true],
    ['null against a missing field', [null], missing, false],
    ['null against the empty string', [null], '', false],
    ['null against the string "null"', [null], 'null', false],
    ['a mixed list, hitting its number', ['EUR', 300, null], 300, true],
    ['a mixed list, hitting its null', ['EUR', 300, null], null, true],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('prefix', () => {
  it.each<Row>([
    ['a string starting with it', [{ prefix: 'SKU-' }], 'SKU-1001', true],
    ['the prefix itself', [{ prefix: 'SKU-' }], 'SKU-', true],
    ['a string differing in case', [{ prefix: 'SKU-' }], 'sku-1001', false],
    ['a string holding it later', [{ prefix: 'SKU-' }], 'OLD-SKU-1', false],
    ['a number', [{ prefix: '12' }], 123, false],
    ['a missing field', [{ prefix: 'SKU-' }], missing, false],
    ['an empty prefix against any string', [{ prefix: '' }], 'anything', true],
    ['an empty prefix against a number', [{ prefix: '' }], 5, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('suffix', () => {
  it.each<Row>([
    ['a string ending with it', [{ suffix: '.v1' }], 'com.acme.order.placed.v1', true],
    ['a string ending otherwise', [{ suffix: '.v1' }], 'com.acme.order.placed.v2', false],
    ['a string holding it earlier', [{ suffix: '.v1' }], 'com.acme.v1.placed', false],
    ['a number', [{ suffix: '0' }], 100, false],
    ['a missing field', [{ suffix: '.v1' }], missing, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('equals-ignore-case', () => {
  it.each<Row>([
    ['the same string', [{ 'equals-ignore-case': 'EUR' }], 'EUR', true],
    ['lower case', [{ 'equals-ignore-case': 'EUR' }], 'eur', true],
    ['mixed case', [{ 'equals-ignore-case': 'eur' }], 'EuR', true],
    ['a longer string', [{ 'equals-ignore-case': 'EUR' }], 'EURO', false],
    ['a number', [{ 'equals-ignore-case': '5' }], 5, false],
    ['a missing field', [{ 'equals-ignore-case': 'EUR' }], missing, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('wildcard', () => {
  it.each<Row>([
    ['* inside', [{ wildcard: 'com.acme.*.placed.v1' }], 'com.acme.order.placed.v1', true],
    ['* inside, other text', [{ wildcard: 'com.acme.*.placed.v1' }], 'com.acme.order.shipped.v1', false],
    ['* matching nothing', [{ wildcard: 'com.acme.*order' }], 'com.acme.order', true],
    ['leading and trailing *', [{ wildcard: '*order*' }], 'com.acme.order.placed', true],
    ['several *', [{ wildcard: 'a*b*c' }], 'a-x-b-y-c', true],
    ['several *, pieces out of order', [{ wildcard: 'a*b*c' }], 'a-c-b', false],
    ['pieces that would overlap', [{ wildcard: 'ab*ba' }], 'aba', false],
    ['a middle piece overlapping the last', [{ wildcard: 'a*bc*cd' }], 'abcd', false],
    ['a middle piece just before the last', [{ wildcard: 'a*bc*cd' }], 'abccd', true],
    ['no * is equality', [{ wildcard: 'order' }], 'order', true],
    ['no * is equality, not containment', [{ wildcard: 'order' }], 'orders', false],
    ['a lone * against the empty string', [{ wildcard: '*' }], '', true],
    ['escaped \\* is a literal asterisk', [{ wildcard: 'a\\*b' }], 'a*b', true],
    ['escaped \\* is not a wildcard', [{ wildcard: 'a\\*b' }], 'a-x-b', false],
    ['escaped \\\\ is a literal backslash', [{ wildcard: 'a\\\\*' }], 'a\\b', true],
    ['a number', [{ wildcard: '*' }], 5, false],
    ['a missing field', [{ wildcard: '*' }], missing, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });

  it('stays fast on a pattern that makes a backtracking regex explode', () => {
    const started = performance.now();
    expect(check([{ wildcard: '*a*a*a*a*a*a*a*a*b' }], 'a'.repeat(50_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('anything-but', () => {
  it.each<Row>([
    ['another string', [{ 'anything-but': 'EUR' }], 'USD', true],
    ['the excluded string', [{ 'anything-but': 'EUR' }], 'EUR', false],
    ['a missing field', [{ 'anything-but': 'EUR' }], missing, false],
    ['null (present, not the excluded string)', [{ 'anything-but': 'EUR' }], null, true],
    ['a number, when strings are excluded', [{ 'anything-but': 'EUR' }], 978, true],
    ['a list: a string outside it', [{ 'anything-but': ['EUR', 'GBP'] }], 'USD', true],
    ['a list: a string inside it', [{ 'anything-but': ['EUR', 'GBP'] }], 'GBP', false],
    ['a list: a missing field', [{ 'anything-but': ['EUR', 'GBP'] }], missing, false],
    ['a number: another number', [{ 'anything-but': 100 }], 101, true],
    ['a number: the excluded number', [{ 'anything-but': 100 }], 100, false],
    ['a number: the excluded number as a float', [{ 'anything-but': 100 }], JSON.parse('100.0'), false],
    ['a number: the string holding it', [{ 'anything-but': 100 }], '100', true],
    ['a number list: a number inside it', [{ 'anything-but': [100, 200, 300] }], 200, false],
    ['a number list: a bigint inside it', [{ 'anything-but': [100, 200, 300] }], 200n, false],
    ['a number list: a number outside it', [{ 'anything-but': [100, 200, 300] }], 250, true],
    ['prefix: a string without it', [{ 'anything-but': { prefix: 'init' } }], 'running', true],
    ['prefix: a string with it', [{ 'anything-but': { prefix: 'init' } }], 'initializing', false],
    ['prefix: a number', [{ 'anything-but': { prefix: '1' } }], 123, true],
    ['prefix: a missing field', [{ 'anything-but': { prefix: 'init' } }], missing, false],
    ['suffix: a string without it', [{ 'anything-but': { suffix: '.png' } }], 'photo.jpg', true],
    ['suffix: a string with it', [{ 'anything-but': { suffix: '.png' } }], 'photo.png', false],
    ['suffix: a missing field', [{ 'anything-but': { suffix: '.png' } }], missing, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('numeric', () => {
  it.each<Row>([
    ['> against a larger number', [{ numeric: ['>', 0] }], 0.5, true],
    ['> against the bound', [{ numeric: ['>', 0] }], 0, false],
    ['>= against the bound', [{ numeric: ['>=', 10_000] }], 10_000, true],
    ['>= against a smaller number', [{ numeric: ['>=', 10_000] }], 9_999, false],
    ['< against a smaller number', [{ numeric: ['<', 10] }], 9.99, true],
    ['< against the bound', [{ numeric: ['<', 10] }], 10, false],
    ['<= against the bound', [{ numeric: ['<=', 10] }], 10, true],
    ['<= against a larger number', [{ numeric: ['<=', 10] }], 10.01, false],
    ['< against a negative number', [{ numeric: ['<', 0] }], -3, true],
    ['= against the same float', [{ numeric: ['=', 301.8] }], 301.8, true],
    ['= against an integer written as a float', [{ numeric: ['=', 300] }], JSON.parse('300.0'), true],
    ['= against another number', [{ numeric: ['=', 300] }], 300.5, false],
    ['(0, 5] inside', [{ numeric: ['>', 0, '<=', 5] }], 2.5, true],
    ['(0, 5] at the closed top', [{ numeric: ['>', 0, '<=', 5] }], 5, true],
    ['(0, 5] at the open bottom', [{ numeric: ['>', 0, '<=', 5] }], 0, false],
    ['(0, 5] just above', [{ numeric: ['>', 0, '<=', 5] }], 5.000001, false],
    ['[0, 5) at the closed bottom', [{ numeric: ['>=', 0, '<', 5] }], 0, true],
    ['[0, 5) at the open top', [{ numeric: ['>=', 0, '<', 5] }], 5, false],
    ['a bigint (Avro long)', [{ numeric: ['>=', 10_000] }], 12_500n, true],
    ['a string holding a number', [{ numeric: ['>=', 10_000] }], '12500', false],
    ['null', [{ numeric: ['<', 1] }], null, false],
    ['a boolean', [{ numeric: ['>', 0] }], true, false],
    ['a missing field', [{ numeric: ['<', 1] }], missing, false],
    ['two ranges (OR), hitting the second', [{ numeric: ['<', 0] }, { numeric: ['>', 100] }], 150, true],
    ['two ranges (OR), between them', [{ numeric: ['<', 0] }, { numeric: ['>', 100] }], 50, false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('exists', () => {
  it.each<Row>([
    ['true: a string', [{ exists: true }], 'order-42', true],
    ['true: the empty string', [{ exists: true }], '', true],
    ['true: zero', [{ exists: true }], 0, true],
    ['true: false', [{ exists: true }], false, true],
    ['true: null (present, with a null value)', [{ exists: true }], null, true],
    ['true: a missing field', [{ exists: true }], missing, false],
    ['true: an object (not a leaf)', [{ exists: true }], { a: 1 }, false],
    ['true: an empty array (no value)', [{ exists: true }], [], false],
    ['true: an array of values', [{ exists: true }], ['a'], true],
    ['false: a missing field', [{ exists: false }], missing, true],
    ['false: undefined (as missing)', [{ exists: false }], undefined, true],
    ['false: null', [{ exists: false }], null, false],
    ['false: a string', [{ exists: false }], 'order-42', false],
    ['false: an object (not a leaf)', [{ exists: false }], { a: 1 }, true],
    ['false: an empty array', [{ exists: false }], [], true],
    ['false: an array of values', [{ exists: false }], ['a'], false],
    ['false or a value: the value', [{ exists: false }, 'EUR'], 'EUR', true],
    ['false or a value: missing', [{ exists: false }, 'EUR'], missing, true],
    ['false or a value: another value', [{ exists: false }, 'EUR'], 'USD', false],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});

describe('a field holding an array: the list matches when any element does', () => {
  it.each<Row>([
    ['an exact value on one element', ['b'], ['a', 'b', 'c'], true],
    ['an exact value on no element', ['x'], ['a', 'b', 'c'], false],
    ['two lists intersecting', ['x', 'c'], ['a', 'b', 'c'], true],
    ['prefix on one element', [{ prefix: 'SKU-' }], ['GIFT-25', 'SKU-1001'], true],
    ['numeric on one element', [{ numeric: ['>', 10] }], [1, 2, 20], true],
    ['numeric on no element', [{ numeric: ['>', 10] }], [1, 2, 3], false],
    ['anything-but with another element', [{ 'anything-but': 'EUR' }], ['EUR', 'USD'], true],
    ['anything-but with only excluded elements', [{ 'anything-but': 'EUR' }], ['EUR', 'EUR'], false],
    ['anything-but on an empty array', [{ 'anything-but': 'EUR' }], [], false],
    ['null on one element', [null], ['a', null], true],
    ['nested arrays, flattened', ['deep'], [['a', ['deep']]], true],
  ])('%s: %j against %p', (_, values, field, expected) => {
    expect(check(values, field)).toBe(expected);
  });
});
