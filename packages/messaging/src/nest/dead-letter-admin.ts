import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Kysely } from 'kysely';
import {
  listDeadLetters,
  replayDeadLetters,
  type DeadLetterSummary,
  type ReplayRequest,
  type ReplayResult,
  type ReplaySelection,
} from '../replay.js';
import { DLQ_ADMIN_OPTIONS } from './messaging.tokens.js';

/** Where the parked messages are, how replays reach Kafka, and which groups may be administered. */
export type MessagingAdminOptions<DB = unknown> = {
  /** The service database holding `dead_letters` and `dlq_replays`. */
  db: Kysely<DB>;
  /** The consumer groups of this service; any other group is answered with 404. */
  groups: readonly string[];
} & (
  | {
      /** A connected producer the app owns (and disconnects). */
      producer: Producer;
      kafka?: never;
    }
  | {
      /** The module makes, connects and disconnects an idempotent producer of its own. */
      kafka: Kafka;
      producer?: never;
    }
);

/**
 * The runtime's dead-letter listing and replay for the groups this service administers.
 * The producer is connected at start-up, so a misconfigured broker list fails the app then.
 */
@Injectable()
export class DeadLetterAdmin implements OnModuleInit, OnModuleDestroy {
  private producer: Producer | undefined;

  constructor(@Inject(DLQ_ADMIN_OPTIONS) private readonly options: MessagingAdminOptions) {}

  async onModuleInit(): Promise<void> {
    if (this.options.producer) {
      this.producer = this.options.producer;
      return;
    }
    const producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producer = producer;
  }

  async onModuleDestroy(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer && producer !== this.options.producer) await producer.disconnect();
  }

  get groups(): readonly string[] {
    return this.options.groups;
  }

  knows(group: string): boolean {
    return this.options.groups.includes(group);
  }

  list(group: string, selection: ReplaySelection, limit: number): Promise<DeadLetterSummary[]> {
    return listDeadLetters(this.options.db, group, selection, limit);
  }

  replay(request: ReplayRequest): Promise<ReplayResult> {
    if (!this.producer) throw new Error('DeadLetterAdmin is not initialised (no producer yet)');
    return replayDeadLetters(this.options.db, this.producer, request);
  }
}
