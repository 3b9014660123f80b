import { compileFilter, type EventPattern } from '../../src/filter/index.js';
import { envelope, placed, placedData } from './fixtures.js';

describe('needsData', () => {
  it.each<[string, EventPattern, boolean]>([
    ['envelope keys only', { type: ['com.acme.order.placed.v1'], subject: [{ exists: true }] }, false],
    ['a data key among others', { type: ['com.acme.order.placed.v1'], data: { currency: ['USD'] } }, true],
    ['only a data key', { data: { totalMinor: [{ numeric: ['>', 0] }] } }, true],
    ['data as a value list', { data: [{ exists: true }] }, true],
    ['a nested key named data is not the payload', { source: { data: ['x'] } }, false],
  ])('%s: %p', (_, pattern, expected) => {
    expect(compileFilter(pattern).needsData).toBe(expected);
  });
});

describe('matchesEnvelope', () => {
  it.each<[string, EventPattern, Record<string, unknown>, boolean]>([
    [
      'a type among several',
      { type: ['com.acme.order.placed.v1', 'com.acme.order.placed.v2'] },
      envelope,
      true,
    ],
    ['a type outside the list', { type: ['com.acme.order.shipped.v1'] }, envelope, false],
    ['a source prefix', { source: [{ prefix: '/acme/' }] }, envelope, true],
    ['subject exists', { subject: [{ exists: true }] }, envelope, true],
    ['subject exists, header absent', { subject: [{ exists: true }] }, { type: envelope.type }, false],
    [
      'subject must be absent, header absent',
      { subject: [{ exists: false }] },
      { type: envelope.type },
      true,
    ],
    ['an extension attribute', { correlationid: ['corr-7'] }, envelope, true],
    [
      'a header is a string, so numeric never matches it',
      { specversion: [{ numeric: ['=', 1] }] },
      envelope,
      false,
    ],
    ['every key must match', { type: ['com.acme.order.placed.v1'], subject: ['order-1'] }, envelope, false],
    [
      'the data key is left to matches()',
      { type: ['com.acme.order.placed.v1'], data: { currency: ['never'] } },
      envelope,
      true,
    ],
    [
      'a failing envelope key settles it whatever data holds',
      { type: ['com.acme.order.shipped.v1'], data: { currency: ['USD'] } },
      envelope,
      false,
    ],
    ['a pattern on data alone lets every envelope through', { data: { currency: ['never'] } }, {}, true],
  ])('%s', (_, pattern, headers, expected) => {
    expect(compileFilter(pattern).matchesEnvelope(headers)).toBe(expected);
  });

  it.each<[string, EventPattern, boolean, boolean]>([
    ['type', { type: ['com.acme.order.placed.v1'] }, true, true],
    ['type and data', { type: ['com.acme.order.placed.v1'], data: { currency: ['USD'] } }, true, true],
    [
      'type and failing data',
      { type: ['com.acme.order.placed.v1'], data: { currency: ['EUR'] } },
      true,
      false,
    ],
    [
      'failing type and data',
      { type: ['com.acme.order.placed.v9'], data: { currency: ['USD'] } },
      false,
      false,
    ],
    ['subject absent', { subject: [{ exists: false }] }, false, false],
  ])(
    'agrees with matches() on the full event, never rejecting what it accepts (%s)',
    (_, pattern, onEnvelope, onEvent) => {
      const filter = compileFilter(pattern);
      expect(filter.matchesEnvelope(envelope)).toBe(onEnvelope);
      expect(filter.matches({ ...envelope, data: placedData })).toBe(onEvent);
    },
  );

  it('decides alone when the pattern does not need the payload', () => {
    const filter = compileFilter({ type: [{ suffix: '.v1' }], causationid: [{ exists: true }] });
    expect(filter.needsData).toBe(false);
    expect(filter.matchesEnvelope(envelope)).toBe(true);
    expect(filter.matches(placed)).toBe(true);
    expect(filter.matches({ ...placed, data: 'anything at all' })).toBe(true);
  });
});
