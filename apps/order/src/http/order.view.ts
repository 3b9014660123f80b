import type { OrderHistoryEntry } from '../application/order-queries.js';
import type { Order } from '../domain/index.js';

/**
 * An order as the API shows it: the state the decider folds, without the payment token (an
 * opaque credential for the payment service; nobody reading an order needs it back).
 * Times are epoch milliseconds, as in the events; `history[].recordedAt` is ISO 8601, the form
 * `?asOf=` takes.
 */
export function orderView(order: Order, version: number) {
  const { paymentToken: _token, ...shown } = order;
  return { ...shown, version };
}

export function historyView(history: readonly OrderHistoryEntry[]) {
  return history.map(({ version, type, data, recordedAt }) => ({
    version,
    type,
    data: withoutToken(data),
    recordedAt: recordedAt.toISOString(),
  }));
}

function withoutToken(data: object): object {
  if (!('paymentToken' in data)) return data;
  const { paymentToken: _token, ...rest } = data;
  return rest;
}
