import { enqueue } from '@acme/outbox';
import type { EventPublisher, OutgoingEvent } from '@acme/messaging';
import type { Kysely, Transaction } from 'kysely';

/**
 * Integration events into the outbox, in the caller's transaction: they leave the service if and
 * only if that transaction commits. Encoding is in memory (schemas were registered at start-up).
 *
 * @example
 *   await outbox.publish(tx, [{ type: 'com.acme.order.cancelled.v1', subject: orderId, data, cause }]);
 */
export class Outbox {
  constructor(private readonly publisher: EventPublisher) {}

  async publish<DB>(tx: Kysely<DB> | Transaction<DB>, events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    await enqueue(
      tx,
      events.map((event) => this.publisher.toMessage(event)),
    );
  }
}
