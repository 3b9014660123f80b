/**
 * The position after the last order of a page: its `placed_at` in epoch microseconds (Postgres'
 * precision, so no order is skipped or repeated) and its id.
 */
export interface OrderCursor {
  placedAtUs: string;
  orderId: string;
}

/** Opaque to clients: base64url of `[placedAtUs, orderId]`. */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.placedAtUs, cursor.orderId])).toString('base64url');
}

/** The cursor, or undefined when the text is not one this API made. */
export function decodeCursor(text: string): OrderCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [placedAtUs, orderId] = value as unknown[];
  if (typeof placedAtUs !== 'string' || !/^-?\d{1,18}$/.test(placedAtUs)) return undefined;
  if (typeof orderId !== 'string' || orderId.length === 0) return undefined;
  return { placedAtUs, orderId };
}
