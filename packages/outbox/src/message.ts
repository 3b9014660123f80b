/** An integration message in its public shape: what lands on Kafka, byte for byte. */
export interface OutboxMessage {
  topic: string;
  /** Kafka message key; messages with the same topic and key keep their order. */
  key: string;
  headers: Record<string, string>;
  payload: Buffer;
}

/**
 * Below Kafka's default `max.message.bytes` (1,048,588) with room for key, headers and record
 * overhead: a payload the broker would refuse must be refused here, where the caller sees it,
 * not by the relay, where the key would retry forever.
 */
export const defaultMaxPayloadBytes = 1_000_000;

/** Kafka's own topic name rule, checked here so a typo fails the transaction, not the relay. */
const topicName = /^[a-zA-Z0-9._-]{1,249}$/;

/** A message the outbox refuses; nothing of the call was written. Never worth retrying. */
export class OutboxMessageError extends Error {
  override readonly name = 'OutboxMessageError';
  readonly retriable = false;

  constructor(
    /** Position of the offending message in the enqueued list. */
    readonly index: number,
    readonly reason: string,
  ) {
    super(`outbox message #${index}: ${reason}`);
  }
}

/** Throws `OutboxMessageError` for the first invalid message. */
export function validateMessages(messages: readonly OutboxMessage[], maxPayloadBytes: number): void {
  messages.forEach((m, index) => {
    const fail = (reason: string) => new OutboxMessageError(index, reason);
    if (typeof m.topic !== 'string' || !topicName.test(m.topic))
      throw fail(`topic ${JSON.stringify(m.topic)} is not a valid Kafka topic name`);
    if (typeof m.key !== 'string' || m.key === '') throw fail('key must be a non-empty string');
    if (typeof m.headers !== 'object' || Array.isArray(m.headers))
      throw fail('headers must be an object of strings');
    for (const [name, value] of Object.entries(m.headers)) {
      if (typeof value !== 'string') throw fail(`header "${name}" must be a string`);
    }
    if (!Buffer.isBuffer(m.payload)) throw fail('payload must be a Buffer');
    if (m.payload.length > maxPayloadBytes)
      throw fail(`payload of ${m.payload.length} bytes exceeds the limit of ${maxPayloadBytes} bytes`);
  });
}
