import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { Kysely } from 'kysely';
import {
  CycleError,
  errorClass,
  errorMessage,
  InvalidEnvelopeError,
  UndecodableError,
  UnknownSchemaError,
} from '../errors.js';
import { envelopeHeaders, headerString } from '../envelope.js';
import { messagingView, type StoredHeader } from '../tables.js';

/** Why a message was dead-lettered; the `dlq_reason` header and the index's `reason` column. */
export type DeadLetterReason =
  'undecodable' | 'unknown-schema' | 'invalid-envelope' | 'cycle' | 'rejected' | 'retries-exhausted';

export function reasonOf(error: unknown, retriable: boolean): DeadLetterReason {
  if (error instanceof UnknownSchemaError) return 'unknown-schema';
  if (error instanceof UndecodableError) return 'undecodable';
  if (error instanceof InvalidEnvelopeError) return 'invalid-envelope';
  if (error instanceof CycleError) return 'cycle';
  return retriable ? 'retries-exhausted' : 'rejected';
}

export interface Failure {
  error: unknown;
  reason: DeadLetterReason;
  attempts: number;
  firstFailureAt: Date;
  lastFailureAt: Date;
}

/** Headers the runtime adds; stripped again before a message is dead-lettered a second time. */
const runtimeHeader = /^(dlq_|replay_)/;

/** The dead-letter topic of a consumer group, and the topic its replays are fed back on. */
export const dlqTopic = (group: string): string => `${group}.dlq`;
export const replayTopic = (group: string): string => `${group}.replay`;

/**
 * Parks a message the group cannot process: the original key, value and headers plus `dlq_*`
 * headers on `<group>.dlq`, then a row in the `dead_letters` index (depth, listing, replay). The
 * produce comes first: if the process dies in between, the message is redelivered and
 * dead-lettered again, and the index's unique source position keeps one row.
 */
export class DeadLetterWriter {
  constructor(
    private readonly group: string,
    private readonly producer: Producer,
    private readonly db: Kysely<unknown>,
  ) {}

  async park(
    source: { topic: string; partition: number },
    message: KafkaMessage,
    failure: Failure,
  ): Promise<void> {
    const original = Object.entries(message.headers ?? {}).filter(([name]) => !runtimeHeader.test(name));
    const headers: IHeaders = {
      ...Object.fromEntries(original),
      dlq_group: this.group,
      dlq_reason: failure.reason,
      dlq_error_class: errorClass(failure.error),
      dlq_error_message: errorMessage(failure.error).slice(0, 4000),
      dlq_attempts: String(failure.attempts),
      dlq_first_failure_at: failure.firstFailureAt.toISOString(),
      dlq_last_failure_at: failure.lastFailureAt.toISOString(),
      dlq_source_topic: source.topic,
      dlq_source_partition: String(source.partition),
      dlq_source_offset: message.offset,
    };
    const [ack] = await this.producer.send({
      topic: dlqTopic(this.group),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    if (!ack) throw new Error(`no acknowledgement from ${dlqTopic(this.group)}`);
    const stored: StoredHeader[] = original.flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).flatMap((v) =>
        v === undefined ? [] : [[name, Buffer.from(v).toString('base64')] satisfies StoredHeader],
      ),
    );
    await messagingView(this.db)
      .insertInto('dead_letters')
      .values({
        consumer_group: this.group,
        event_id: headerString(message.headers, envelopeHeaders.id) ?? null,
        event_type: headerString(message.headers, envelopeHeaders.type) ?? null,
        reason: failure.reason,
        error_class: errorClass(failure.error),
        error_message: errorMessage(failure.error),
        attempts: failure.attempts,
        first_failure_at: failure.firstFailureAt,
        last_failure_at: failure.lastFailureAt,
        source_topic: source.topic,
        source_partition: source.partition,
        source_offset: message.offset,
        dlq_partition: ack.partition,
        dlq_offset: ack.baseOffset ?? ack.offset ?? '-1',
        message_key: message.key,
        headers: JSON.stringify(stored),
        payload: message.value,
      })
      .onConflict((oc) =>
        oc.columns(['consumer_group', 'source_topic', 'source_partition', 'source_offset']).doNothing(),
      )
      .execute();
  }
}
