/** One offending input field, e.g. `{ field: 'quantity', message: 'must be a positive integer' }`. */
export interface FieldError {
  field: string;
  message: string;
}

export const inventoryLimits = { maxSkuLength: 64, maxIdLength: 128 } as const;

export type Fail = (field: string, message: string) => void;

export function checkSku(sku: string, field: string, fail: Fail): void {
  if (sku.trim() === '') fail(field, 'must not be empty');
  else if (sku.length > inventoryLimits.maxSkuLength) {
    fail(field, `must be at most ${inventoryLimits.maxSkuLength} characters`);
  }
}

export function checkOrderId(orderId: string, fail: Fail): void {
  if (orderId.trim() === '') fail('orderId', 'must not be empty');
  else if (orderId.length > inventoryLimits.maxIdLength) {
    fail('orderId', `must be at most ${inventoryLimits.maxIdLength} characters`);
  }
}

export function checkQuantity(quantity: number, field: string, fail: Fail): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) fail(field, 'must be a positive integer');
}

/** Runs `checks` and throws every problem they found at once. */
export function collectErrors(checks: (fail: Fail) => void): FieldError[] {
  const errors: FieldError[] = [];
  checks((field, message) => errors.push({ field, message }));
  return errors;
}
