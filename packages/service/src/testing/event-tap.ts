import { randomUUID } from 'node:crypto';
import { contracts, type Contract } from '@acme/contracts';
import {
  AvroCodec,
  ensureTopics,
  envelopeFromHeaders,
  EventPublisher,
  startCause,
  type Cause,
  type Envelope,
} from '@acme/messaging';
import { eventually } from '@acme/testing';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Consumer, Kafka, Producer } from 'kafkajs';

/** An integration event as it was on Kafka, decoded. */
export interface TappedEvent<T = Record<string, unknown>> {
  type: string;
  subject: string;
  data: T;
  envelope: Envelope;
  topic: string;
  partition: number;
  offset: string;
  /** When the tap decoded it (epoch ms): with `envelope.time`, how long the trip took. */
  receivedAt: number;
}

export interface EventTapOptions {
  /** Read the topics from their beginning (default) or only what arrives from now on. */
  fromBeginning?: boolean;
  /** Keep every event in memory (default) — a long-running demo keeps only counts via `onEvent`. */
  keep?: boolean;
  /** Called for each decoded event as it arrives. */
  onEvent?: (event: TappedEvent) => void;
}

const topics = [...new Set(Object.values(contracts).map((c: Contract) => c.topic))];

/** Every contract topic (`order.events`, …) under `prefix`. */
export function contractTopics(prefix: string): string[] {
  return topics.map((topic) => prefix + topic);
}

/**
 * Reads every contract topic under a prefix from the beginning and keeps what it decodes, so a
 * test can wait for "OrderConfirmed for order X" — and publishes events as another service's relay
 * would, for a service under test to react to.
 *
 * @example
 *   const tap = await EventTap.start(kafka, registryUrl, 'it-1a2b.');
 *   await tap.publish({ type: 'com.acme.inventory.stock-reserved.v1', subject: orderId, data });
 *   const confirmed = await tap.waitFor('com.acme.order.confirmed.v1', orderId);
 */
export class EventTap {
  private readonly seen: TappedEvent[] = [];
  private readonly undecodable: { topic: string; offset: string; error: string }[] = [];

  private constructor(
    private readonly consumer: Consumer,
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly publisher: EventPublisher,
  ) {}

  static async start(
    kafka: Kafka,
    registryUrl: string,
    prefix: string,
    options: EventTapOptions = {},
  ): Promise<EventTap> {
    const all = Object.values(contracts);
    const codec = new AvroCodec(new SchemaRegistry({ host: registryUrl }), all);
    const publisher = new EventPublisher(
      codec,
      all.map((c) => ({ ...c, topic: prefix + c.topic })),
      { source: '/acme/test' },
    );
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        contractTopics(prefix).map((topic) => ({ topic, partitions: 3 })),
      );
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `${prefix}tap-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const tap = new EventTap(consumer, producer, codec, publisher);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: contractTopics(prefix),
      fromBeginning: options.fromBeginning ?? true,
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const envelope = envelopeFromHeaders(message.headers);
          const data = (await codec.decode(envelope.type, message.value)) as Record<string, unknown>;
          const event: TappedEvent = {
            type: envelope.type,
            subject: envelope.subject,
            data,
            envelope,
            topic,
            partition,
            offset: message.offset,
            receivedAt: Date.now(),
          };
          if (options.keep ?? true) tap.seen.push(event);
          options.onEvent?.(event);
        } catch (error) {
          tap.undecodable.push({ topic, offset: message.offset, error: String(error) });
        }
      },
    });
    return tap;
  }

  /** Everything decoded so far, in arrival order (per partition: publish order). */
  get events(): readonly TappedEvent[] {
    return this.seen;
  }

  /** Messages that were not valid events; a healthy run has none. */
  get garbage(): readonly { topic: string; offset: string; error: string }[] {
    return this.undecodable;
  }

  /** The events about one subject (an order id), optionally of one type. */
  about(subject: string, type?: string): TappedEvent[] {
    return this.seen.filter((e) => e.subject === subject && (type === undefined || e.type === type));
  }

  /** Waits until an event of `type` about `subject` has arrived; returns the first. */
  async waitFor<T = Record<string, unknown>>(
    type: string,
    subject: string,
    timeoutMs = 20_000,
  ): Promise<TappedEvent<T>> {
    return eventually(
      async () => Promise.resolve(this.about(subject, type)[0] as TappedEvent<T> | undefined),
      {
        timeoutMs,
        intervalMs: 50,
        description: `${type} about ${subject}`,
      },
    );
  }

  /** Publish an event the way another service's relay would (CloudEvents headers, Avro value). */
  async publish(event: {
    type: string;
    subject: string;
    data: unknown;
    id?: string;
    cause?: Cause;
  }): Promise<string> {
    await this.codec.prepare([event.type]);
    const id = event.id ?? randomUUID();
    const message = this.publisher.toMessage({
      type: event.type,
      subject: event.subject,
      data: event.data,
      id,
      cause: event.cause ?? startCause(id),
    });
    await this.producer.send({
      topic: message.topic,
      messages: [{ key: message.key, value: message.payload, headers: message.headers }],
    });
    return id;
  }

  /**
   * Several events in one produce request, all keyed `key` (one partition): Kafka appends them as
   * one record batch, so a consumer gets them in one fetch, in this order — a batch the test
   * controls. Returns their ids.
   */
  async publishTogether(
    events: readonly { type: string; subject: string; data: unknown; id?: string }[],
    key: string,
  ): Promise<string[]> {
    await this.codec.prepare([...new Set(events.map((e) => e.type))]);
    const messages = events.map((event) => {
      const id = event.id ?? randomUUID();
      return { id, message: this.publisher.toMessage({ ...event, id, cause: startCause(id) }) };
    });
    const [first] = messages;
    if (!first) return [];
    if (messages.some(({ message }) => message.topic !== first.message.topic))
      throw new Error('publishTogether: the events go to more than one topic');
    await this.producer.send({
      topic: first.message.topic,
      messages: messages.map(({ message }) => ({ key, value: message.payload, headers: message.headers })),
    });
    return messages.map(({ id }) => id);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
