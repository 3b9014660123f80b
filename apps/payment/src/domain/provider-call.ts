import type { PaymentState } from './payment.js';
import type { ChargeRequest, RefundRequest } from './provider.js';

/** What the provider still owes this order: the application makes this call, then records its answer. */
export type ProviderCall =
  { kind: 'charge'; request: ChargeRequest } | { kind: 'refund'; request: RefundRequest };

/**
 * The provider call the state is waiting for, or null. Derived from the state rather than from the
 * latest events, so the application can ask again after a crash or a retriable error and repeat the
 * call safely: the provider is idempotent per key (order id for the charge, `<orderId>:refund` for
 * the refund).
 *
 * A charge still `requested` after the order was cancelled is asked again on purpose: its outcome is
 * unknown, the idempotent repeat returns it if the first call got through, and a success is then
 * refunded — better than leaving money taken and unnoticed.
 *
 * @example
 *   const call = nextProviderCall(outcome.state);
 *   if (call?.kind === 'charge') await record({ type: 'RecordProviderResult', data: { result: await provider.charge(call.request) }, … });
 */
export function nextProviderCall(state: PaymentState): ProviderCall | null {
  const { order, charge } = state;
  if (!order) return null;
  if (charge.status === 'requested') {
    const { orderId, amountMinor, currency, paymentToken } = order;
    return {
      kind: 'charge',
      request: { idempotencyKey: orderId, amountMinor, currency, token: paymentToken },
    };
  }
  if (charge.status === 'refund-requested') {
    const { orderId, amountMinor, currency } = order;
    return {
      kind: 'refund',
      request: {
        idempotencyKey: `${orderId}:refund`,
        providerPaymentId: charge.providerPaymentId,
        amountMinor,
        currency,
      },
    };
  }
  return null;
}
