import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs';

/** What the relay needs of a producer; a kafkajs `Producer` is one. Tests wrap it to inject failures. */
export interface Publisher {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/**
 * The producer the relay uses: idempotent with acks=all, and one request in flight per broker
 * connection. kafkajs assigns sequence numbers when it builds a request and rolls them back when it
 * fails; with several requests in flight for a partition that rollback is wrong (it has no
 * re-sequencing like the Java client), so a failure could reorder or wedge the partition. The relay
 * gets its throughput from large batches instead, and never has two sends outstanding.
 * Retries are bounded so a failing send comes back to the relay, which keeps per-key order and
 * backs off; the relay's own retries make it at-least-once regardless.
 *
 * @example
 *   const relay = new OutboxRelay({ ..., producer: createRelayProducer(kafka) });
 */
export function createRelayProducer(kafka: Kafka): Publisher {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}
