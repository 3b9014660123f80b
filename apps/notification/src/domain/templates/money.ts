/**
 * Money for people: integer minor units → "€1,234.56", with the currency's own number of decimals
 * (JPY 0, EUR 2, KWD 3). The amount is handed to Intl as an exact decimal string, never divided as a
 * float.
 *
 * @example
 *   formatMoney(123456, 'EUR') // '€1,234.56'
 *   formatMoney(1234, 'JPY')   // '¥1,234'
 */
export function formatMoney(amountMinor: number, currency: string, locale = DEFAULT_LOCALE): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`amountMinor must be an integer of minor units, got ${amountMinor}`);
  }
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  const decimal = `${amountMinor < 0 ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
  // A decimal string is formatted exactly (Intl.NumberFormat v3, Node ≥ 19).
  return format.format(decimal as Intl.StringNumericLiteral);
}

export const DEFAULT_LOCALE = 'en-US';
