import { randomUUID } from 'node:crypto';
import type { OutboxMessage } from '@acme/outbox';
import type { AvroCodec, Contract } from './codec.js';
import { envelopeToHeaders, type Envelope } from './envelope.js';

/**
 * Where an event comes from, causally: every event a service publishes has one. An HTTP command
 * starts a chain (`startCause`); a handler's events continue the chain of the event it consumed
 * (`InboundEvent.cause`).
 */
export interface Cause {
  correlationId: string;
  causationId: string;
  /** Handlers passed so far in this chain; the consumer runtime cuts chains over its hop limit. */
  hops: number;
  traceparent?: string;
}

/**
 * The cause of events a command produces: the command (or request) id is both the correlation and
 * the causation id, unless the request carried a correlation id of its own.
 */
export function startCause(commandId: string, correlationId = commandId, traceparent?: string): Cause {
  return { correlationId, causationId: commandId, hops: 0, ...(traceparent ? { traceparent } : {}) };
}

/** An integration event to publish. */
export interface OutgoingEvent {
  type: string;
  /** The entity the event is about (the order id): `ce_subject` and the Kafka key. */
  subject: string;
  data: unknown;
  cause: Cause;
  /** Defaults to a new UUID; give the same id to the copies of a dual-published event. */
  id?: string;
  /** When the fact happened; defaults to now. */
  time?: Date;
}

/**
 * Turns integration events into outbox messages: CloudEvents headers, Avro value in the wire
 * format, topic from the contract, key = subject. Encoding is in memory (schema ids are prepared
 * at start-up), so it fits inside the business transaction; `enqueue` of `@acme/outbox` stores the
 * result in that transaction.
 *
 * @example
 *   const events = new EventPublisher(codec, contracts, { source: '/acme/order' });
 *   await enqueue(tx, [events.toMessage({ type: 'com.acme.order.placed.v1', subject: orderId, data, cause })]);
 */
export class EventPublisher {
  private readonly topics = new Map<string, string>();

  constructor(
    private readonly codec: AvroCodec,
    contracts: Iterable<Contract>,
    private readonly options: { source: string },
  ) {
    for (const c of contracts) this.topics.set(c.type, c.topic);
  }

  toMessage(event: OutgoingEvent): OutboxMessage {
    const topic = this.topics.get(event.type);
    if (!topic) throw new Error(`no contract for event type ${event.type}`);
    const envelope: Envelope = {
      id: event.id ?? randomUUID(),
      source: this.options.source,
      type: event.type,
      specversion: '1.0',
      time: (event.time ?? new Date()).toISOString(),
      subject: event.subject,
      correlationid: event.cause.correlationId,
      causationid: event.cause.causationId,
      ...(event.cause.traceparent ? { traceparent: event.cause.traceparent } : {}),
      hops: event.cause.hops,
    };
    return {
      topic,
      key: event.subject,
      headers: envelopeToHeaders(envelope),
      payload: this.codec.encode(event.type, event.data),
    };
  }
}
