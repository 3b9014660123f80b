import type { EventDataByType } from '@acme/contracts';
import type { RecordedEvent } from '@acme/event-store';
import type { Cause, OutgoingEvent } from '@acme/messaging';
import type { PaymentEvent } from '../domain/index.js';

export const paymentPublishes = [
  'com.acme.payment.charged.v1',
  'com.acme.payment.failed.v1',
  'com.acme.payment.refunded.v1',
] as const;

/**
 * The public facts among the domain events just appended. The others (registered, deferred,
 * requested, pending, cancelled, refund requested) are the service's own bookkeeping.
 */
export function integrationEvents(
  orderId: string,
  events: readonly RecordedEvent<PaymentEvent>[],
  cause: Cause,
): OutgoingEvent[] {
  return events.flatMap((event): OutgoingEvent[] => {
    const out = <T extends keyof EventDataByType>(type: T, data: EventDataByType[T]): OutgoingEvent[] => [
      { type, subject: orderId, data, cause },
    ];
    switch (event.type) {
      case 'PaymentCharged': {
        const { paymentId, amountMinor, currency, chargedAt } = event.data;
        return out('com.acme.payment.charged.v1', { orderId, paymentId, amountMinor, currency, chargedAt });
      }
      case 'PaymentDeclined': {
        const { code, reason, declinedAt } = event.data;
        return out('com.acme.payment.failed.v1', { orderId, code, reason, failedAt: declinedAt });
      }
      case 'PaymentRefunded': {
        const { paymentId, amountMinor, currency, refundedAt } = event.data;
        return out('com.acme.payment.refunded.v1', { orderId, paymentId, amountMinor, currency, refundedAt });
      }
      default:
        return [];
    }
  });
}
