import { formatMoney } from '../../src/domain/index.js';

describe('formatMoney', () => {
  it.each([
    [123456, 'EUR', undefined, '€1,234.56'],
    [2599, 'EUR', undefined, '€25.99'],
    [5, 'EUR', undefined, '€0.05'],
    [0, 'USD', undefined, '$0.00'],
    [-1050, 'USD', undefined, '-$10.50'],
    [1234, 'JPY', undefined, '¥1,234'],
    [1234, 'KWD', undefined, 'KWD\u00a01.234'],
    [123456, 'EUR', 'de-DE', '1.234,56\u00a0€'],
    [123456, 'GBP', 'en-GB', '£1,234.56'],
    // Beyond float precision for cents: the decimal string keeps every digit.
    [9_007_199_254_740_991, 'EUR', undefined, '€90,071,992,547,409.91'],
  ])('%d %s (%s) → %s', (amountMinor, currency, locale, expected) => {
    expect(formatMoney(amountMinor, currency, locale)).toBe(expected);
  });

  it('refuses an amount that is not integer minor units', () => {
    expect(() => formatMoney(12.5, 'EUR')).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN, 'EUR')).toThrow(/integer of minor units/);
  });

  it('refuses a malformed currency code', () => {
    expect(() => formatMoney(100, 'EURO')).toThrow(RangeError);
  });
});
