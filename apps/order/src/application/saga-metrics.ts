import { counter, histogram, METRICS, type Counter, type Histogram, type Registry } from '@acme/service';
import { Inject, Injectable } from '@nestjs/common';
import {
  cancellationReasons,
  evolve,
  type CancellationReason,
  type OrderEvent,
  type OrderState,
} from '../domain/index.js';

/** How an order's saga ended, and how long after its placement. */
export type SagaEnding =
  | { outcome: 'confirmed'; reason: 'none'; seconds: number }
  | { outcome: 'cancelled'; reason: CancellationReason; seconds: number };

/**
 * The sagas `events` end, given the order as it was before them: an order still waiting for stock
 * or payment (or placed by these very events) that is confirmed or cancelled. A confirmed order the
 * customer cancels later ends no saga — it ended when it was confirmed, and counting it again would
 * make outcomes outnumber orders. The duration runs from `placedAt` to the event's own time.
 */
export function sagaEndings(before: OrderState, events: readonly OrderEvent[]): SagaEnding[] {
  const endings: SagaEnding[] = [];
  let order = before;
  for (const event of events) {
    const waiting = order.status === 'placed' || order.status === 'reserved';
    order = evolve(order, event);
    if (!waiting || order.status === 'none') continue;
    const { placedAt } = order;
    // Clocks of different instances may disagree by a little: never a negative duration.
    const since = (at: number) => Math.max(0, at - placedAt) / 1000;
    if (event.type === 'OrderConfirmed')
      endings.push({ outcome: 'confirmed', reason: 'none', seconds: since(event.data.confirmedAt) });
    else if (event.type === 'OrderCancelled')
      endings.push({
        outcome: 'cancelled',
        reason: event.data.reason,
        seconds: since(event.data.cancelledAt),
      });
  }
  return endings;
}

/**
 * `saga_outcomes_total{outcome,reason}` and `saga_duration_seconds{outcome}` on the service's
 * registry, every series there from the start (0 rather than no data on a dashboard).
 */
@Injectable()
export class SagaMetrics {
  private readonly outcomes: Counter<'outcome' | 'reason'>;
  private readonly duration: Histogram<'outcome'>;

  constructor(@Inject(METRICS) registry: Registry) {
    this.outcomes = counter(registry, {
      name: 'saga_outcomes_total',
      help: 'Order sagas ended: confirmed (reason "none"), or cancelled and why',
      labelNames: ['outcome', 'reason'],
    });
    this.duration = histogram(registry, {
      name: 'saga_duration_seconds',
      help: "From the order's placement to its confirmation or cancellation",
      labelNames: ['outcome'],
      // Replies take milliseconds to seconds; a timeout takes the whole deadline (30 s by default).
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 120, 300, 600],
    });
    this.outcomes.inc({ outcome: 'confirmed', reason: 'none' }, 0);
    for (const reason of cancellationReasons) this.outcomes.inc({ outcome: 'cancelled', reason }, 0);
    this.duration.zero({ outcome: 'confirmed' });
    this.duration.zero({ outcome: 'cancelled' });
  }

  /** Count the sagas that `events` ended (see `sagaEndings`). */
  observe(before: OrderState, events: readonly OrderEvent[]): void {
    for (const { outcome, reason, seconds } of sagaEndings(before, events)) {
      this.outcomes.inc({ outcome, reason });
      this.duration.observe({ outcome }, seconds);
    }
  }
}
