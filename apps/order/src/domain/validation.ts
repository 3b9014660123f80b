import type { PlaceOrder } from './commands.js';

/** One offending input field, e.g. `{ field: 'lines[0].quantity', message: 'must be a positive integer' }`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Bounds of a valid order. `maxQuantity` is the contract's limit (quantity is an Avro `int`): a
 * larger one could be stored but never published.
 */
export const orderLimits = {
  maxLines: 100,
  maxQuantity: 2_147_483_647,
  maxSkuLength: 64,
  maxIdLength: 128,
  maxEmailLength: 254,
  maxNameLength: 200,
  maxPaymentTokenLength: 512,
} as const;

const currencyPattern = /^[A-Z]{3}$/;
// Shape only (one @, no blanks, a dot in the domain); whether the mailbox exists is SMTP's business.
const emailPattern = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

/**
 * Every problem with a PlaceOrder, in input order; empty when it is valid. Checks values at run time
 * too (a number that is not an integer, an empty string), since the HTTP layer only checks types.
 */
export function validatePlaceOrder(data: PlaceOrder['data'], now: number): FieldError[] {
  const errors: FieldError[] = [];
  const fail: Fail = (field, message) => errors.push({ field, message });

  text(data.orderId, orderLimits.maxIdLength, 'orderId', fail);
  text(data.customer.id, orderLimits.maxIdLength, 'customer.id', fail);
  if (data.customer.email.length > orderLimits.maxEmailLength) {
    fail('customer.email', `must be at most ${orderLimits.maxEmailLength} characters`);
  } else if (!emailPattern.test(data.customer.email)) {
    fail('customer.email', 'must be an e-mail address');
  }
  if (data.customer.name !== undefined && data.customer.name !== null) {
    text(data.customer.name, orderLimits.maxNameLength, 'customer.name', fail);
  }
  validateLines(data.lines, errors);
  if (!currencyPattern.test(data.currency)) {
    fail('currency', 'must be an ISO 4217 code of three capital letters');
  }
  text(data.paymentToken, orderLimits.maxPaymentTokenLength, 'paymentToken', fail);
  if (!Number.isSafeInteger(data.deadlineAt)) {
    fail('deadlineAt', 'must be an integer (epoch milliseconds)');
  } else if (data.deadlineAt <= now) {
    fail('deadlineAt', 'must be later than now');
  }
  return errors;
}

type Fail = (field: string, message: string) => void;

function validateLines(lines: PlaceOrder['data']['lines'], errors: FieldError[]): void {
  const fail: Fail = (field, message) => errors.push({ field, message });
  if (lines.length === 0) {
    fail('lines', 'must not be empty');
    return;
  }
  // Past the limit the lines are not looked at one by one: the request is refused as a whole.
  if (lines.length > orderLimits.maxLines) {
    fail('lines', `must have at most ${orderLimits.maxLines} lines`);
    return;
  }
  const before = errors.length;
  const firstLineOf = new Map<string, number>();
  lines.forEach((line, i) => {
    const at = `lines[${i}]`;
    if (text(line.sku, orderLimits.maxSkuLength, `${at}.sku`, fail)) {
      const earlier = firstLineOf.get(line.sku);
      if (earlier === undefined) firstLineOf.set(line.sku, i);
      else fail(`${at}.sku`, `repeats lines[${earlier}].sku; put the whole quantity on one line`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      fail(`${at}.quantity`, 'must be a positive integer');
    } else if (line.quantity > orderLimits.maxQuantity) {
      fail(`${at}.quantity`, `must be at most ${orderLimits.maxQuantity}`);
    }
    if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0) {
      fail(`${at}.unitPriceMinor`, 'must be a non-negative integer (minor units)');
    }
  });
  // Only a total of valid lines means anything.
  if (errors.length === before && orderTotal(lines) === undefined) {
    fail('lines', `total must not exceed ${Number.MAX_SAFE_INTEGER} minor units`);
  }
}

/** Σ quantity × unitPriceMinor, or undefined when it is not a safe integer any more. */
export function orderTotal(lines: PlaceOrder['data']['lines']): number | undefined {
  let total = 0;
  for (const line of lines) {
    total += line.quantity * line.unitPriceMinor;
    if (!Number.isSafeInteger(total)) return undefined;
  }
  return total;
}

/** Checks a required text field; true when it is fine. */
function text(value: string, maxLength: number, field: string, fail: Fail): boolean {
  if (value.trim() === '') fail(field, 'must not be empty');
  else if (value.length > maxLength) fail(field, `must be at most ${maxLength} characters`);
  else return true;
  return false;
}
