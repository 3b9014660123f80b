import { compileFilter, InvalidPatternError } from '../../src/filter/index.js';

/** Puts a value list at `data.lines.sku`, the path most rows then expect. */
const sku = (values: unknown) => ({ type: ['com.acme.order.placed.v1'], data: { lines: { sku: values } } });
const at = 'data.lines.sku';

describe('invalid patterns are refused at compile time with the path and the reason', () => {
  it.each<[what: string, pattern: unknown, path: string, reason: string]>([
    // The pattern's shape.
    ['null', null, '', 'a pattern must be a JSON object, got null'],
    ['an array', [{ type: ['x'] }], '', 'a pattern must be a JSON object, got [{"type":["x"]}]'],
    ['JSON text', '{"type":["x"]}', '', 'a pattern must be a JSON object, got "{\\"type\\":[\\"x\\"]}"'],
    ['an empty pattern', {}, '', 'an object must have at least one key'],
    ['an empty nested object', { data: {} }, 'data', 'an object must have at least one key'],
    [
      'a bare string where a list belongs',
      { type: 'com.acme.order.placed.v1' },
      'type',
      'must be an object (nested fields) or an array (accepted values), got "com.acme.order.placed.v1"',
    ],
    [
      'a bare number, nested',
      { data: { totalMinor: 10_000 } },
      'data.totalMinor',
      'must be an object (nested fields) or an array (accepted values), got 10000',
    ],
    [
      'null where a list belongs',
      { subject: null },
      'subject',
      'must be an object (nested fields) or an array (accepted values), got null',
    ],
    ['an empty list', sku([]), at, 'a value list must not be empty'],
    [
      'a list inside a list',
      sku([['SKU-1']]),
      at,
      'a value must be a string, number, boolean, null or operator object, got ["SKU-1"]',
    ],
    ['a non-finite number', sku([Infinity]), at, 'a number must be finite, got Infinity'],
    ['$or', { $or: [{ type: ['a'] }, { source: ['b'] }] }, '$or', '$or is not supported'],
    ['$or, nested', { data: { $or: [{ a: ['a'] }, { b: ['b'] }] } }, 'data.$or', '$or is not supported'],

    // Operator objects.
    [
      'an unknown operator',
      sku([{ contains: 'SKU' }]),
      at,
      'unknown operator "contains" (known: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists)',
    ],
    ['cidr', { data: { ip: [{ cidr: '10.0.0.0/24' }] } }, 'data.ip', 'operator "cidr" is not supported'],
    [
      'two operators in one object',
      sku([{ prefix: 'SKU-', suffix: '-X' }]),
      at,
      'an operator object must have exactly one key, got {"prefix":"SKU-","suffix":"-X"}',
    ],
    ['an empty operator object', sku([{}]), at, 'an operator object must have exactly one key, got {}'],
    ['prefix: a number', sku([{ prefix: 5 }]), at, 'prefix must be a string, got 5'],
    [
      'prefix: the equals-ignore-case form',
      sku([{ prefix: { 'equals-ignore-case': 'sku-' } }]),
      at,
      'prefix must be a string, got {"equals-ignore-case":"sku-"}',
    ],
    ['suffix: null', sku([{ suffix: null }]), at, 'suffix must be a string, got null'],
    [
      'equals-ignore-case: a number',
      sku([{ 'equals-ignore-case': 1 }]),
      at,
      'equals-ignore-case must be a string, got 1',
    ],
    ['wildcard: an array', sku([{ wildcard: ['SKU-*'] }]), at, 'wildcard must be a string, got ["SKU-*"]'],
    [
      'wildcard: consecutive *',
      sku([{ wildcard: 'SKU-**' }]),
      at,
      'wildcard must not have consecutive *, got "SKU-**"',
    ],
    [
      'wildcard: escaping another character',
      sku([{ wildcard: 'SKU\\-*' }]),
      at,
      'wildcard may only escape * or \\, got "SKU\\\\-*"',
    ],
    [
      'wildcard: a trailing backslash',
      sku([{ wildcard: 'SKU\\' }]),
      at,
      'wildcard may only escape * or \\, got "SKU\\\\"',
    ],
    [
      'exists: a string',
      { subject: [{ exists: 'true' }] },
      'subject',
      'exists must be true or false, got "true"',
    ],
    ['exists: a number', { subject: [{ exists: 1 }] }, 'subject', 'exists must be true or false, got 1'],

    // numeric.
    [
      'numeric: not an array',
      { data: { totalMinor: [{ numeric: '>= 10000' }] } },
      'data.totalMinor',
      'numeric must be [operator, number] or [">" or ">=", number, "<" or "<=", number], got ">= 10000"',
    ],
    [
      'numeric: an operator without its number',
      { data: { totalMinor: [{ numeric: ['>='] }] } },
      'data.totalMinor',
      'numeric must be [operator, number] or [">" or ">=", number, "<" or "<=", number], got [">="]',
    ],
    [
      'numeric: three terms',
      { data: { totalMinor: [{ numeric: ['>', 0, '<'] }] } },
      'data.totalMinor',
      'numeric must be [operator, number] or [">" or ">=", number, "<" or "<=", number], got [">",0,"<"]',
    ],
    [
      'numeric: an unknown operator',
      { data: { totalMinor: [{ numeric: ['!=', 0] }] } },
      'data.totalMinor',
      'numeric operator must be one of =, <, <=, >, >=, got "!="',
    ],
    [
      'numeric: an unknown second operator',
      { data: { totalMinor: [{ numeric: ['>', 0, '=<', 5] }] } },
      'data.totalMinor',
      'numeric operator must be one of =, <, <=, >, >=, got "=<"',
    ],
    [
      'numeric: a string operand',
      { data: { totalMinor: [{ numeric: ['>=', '10000'] }] } },
      'data.totalMinor',
      'numeric >= needs a finite number, got "10000"',
    ],
    [
      'numeric: NaN',
      { data: { totalMinor: [{ numeric: ['>', NaN] }] } },
      'data.totalMinor',
      'numeric > needs a finite number, got NaN',
    ],
    [
      'numeric: upper bound first',
      { data: { totalMinor: [{ numeric: ['<', 5, '>', 0] }] } },
      'data.totalMinor',
      'a numeric range is a lower bound (> or >=) then an upper bound (< or <=), got ["<",5,">",0]',
    ],
    [
      'numeric: = in a range',
      { data: { totalMinor: [{ numeric: ['=', 1, '<', 5] }] } },
      'data.totalMinor',
      'a numeric range is a lower bound (> or >=) then an upper bound (< or <=), got ["=",1,"<",5]',
    ],
    [
      'numeric: an empty range',
      { data: { totalMinor: [{ numeric: ['>', 5, '<=', 5] }] } },
      'data.totalMinor',
      'numeric range is empty: lower bound 5 is not below upper bound 5',
    ],
    [
      'numeric: bounds swapped',
      { data: { totalMinor: [{ numeric: ['>=', 10, '<', 1] }] } },
      'data.totalMinor',
      'numeric range is empty: lower bound 10 is not below upper bound 1',
    ],

    // anything-but.
    [
      'anything-but: strings and numbers mixed',
      { data: { currency: [{ 'anything-but': ['EUR', 978] }] } },
      'data.currency',
      'anything-but list must be non-empty and hold only strings or only numbers, got ["EUR",978]',
    ],
    [
      'anything-but: an empty list',
      { data: { currency: [{ 'anything-but': [] }] } },
      'data.currency',
      'anything-but list must be non-empty and hold only strings or only numbers, got []',
    ],
    [
      'anything-but: a list of prefixes',
      { data: { currency: [{ 'anything-but': [{ prefix: 'E' }, { prefix: 'G' }] }] } },
      'data.currency',
      'anything-but list must be non-empty and hold only strings or only numbers, got [{"prefix":"E"},{"prefix":"G"}]',
    ],
    [
      'anything-but: a boolean',
      { data: { currency: [{ 'anything-but': true }] } },
      'data.currency',
      'anything-but takes a string, a number, a list of strings or of numbers, or {prefix} or {suffix}, got true',
    ],
    [
      'anything-but: null',
      { data: { currency: [{ 'anything-but': null }] } },
      'data.currency',
      'anything-but takes a string, a number, a list of strings or of numbers, or {prefix} or {suffix}, got null',
    ],
    [
      'anything-but: an infinite number',
      { data: { totalMinor: [{ 'anything-but': -Infinity }] } },
      'data.totalMinor',
      'anything-but number must be finite, got -Infinity',
    ],
    [
      'anything-but: an empty prefix',
      { data: { currency: [{ 'anything-but': { prefix: '' } }] } },
      'data.currency',
      'anything-but prefix must be a non-empty string, got ""',
    ],
    [
      'anything-but: a numeric suffix',
      { data: { currency: [{ 'anything-but': { suffix: 5 } }] } },
      'data.currency',
      'anything-but suffix must be a non-empty string, got 5',
    ],
    [
      'anything-but: equals-ignore-case (not supported)',
      { data: { currency: [{ 'anything-but': { 'equals-ignore-case': 'eur' } }] } },
      'data.currency',
      'anything-but object must be {prefix: string} or {suffix: string}, got {"equals-ignore-case":"eur"}',
    ],
    [
      'anything-but: prefix and suffix together',
      { data: { currency: [{ 'anything-but': { prefix: 'E', suffix: 'R' } }] } },
      'data.currency',
      'anything-but object must be {prefix: string} or {suffix: string}, got {"prefix":"E","suffix":"R"}',
    ],
  ])('%s', (_, pattern, path, reason) => {
    const error: unknown = (() => {
      try {
        compileFilter(pattern);
      } catch (e: unknown) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidPatternError);
    expect(error).toMatchObject({ name: 'InvalidPatternError', path, reason, retriable: false });
    expect((error as InvalidPatternError).message).toBe(
      path === '' ? `invalid event pattern: ${reason}` : `invalid event pattern at ${path}: ${reason}`,
    );
  });

  it('reports the first problem in pattern order', () => {
    expect(() => compileFilter({ type: [], data: { totalMinor: 5 } })).toThrow(
      'invalid event pattern at type: a value list must not be empty',
    );
  });

  it('shortens long values in the reason', () => {
    expect(() => compileFilter({ subject: [{ exists: 'x'.repeat(200) }] })).toThrow(
      `exists must be true or false, got "${'x'.repeat(76)}...`,
    );
  });
});
