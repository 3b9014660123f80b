import { eventStoreMigrations } from '@acme/event-store';
import { dlqTopic, ensureTopics, messagingMigrations, replayTopic } from '@acme/messaging';
import { OutboxRelay, outboxMigrations } from '@acme/outbox';
import { databaseUrl, migrate } from '@acme/postgres';
import { projectionMigrations, type ProjectionHost } from '@acme/projections';
import { DeadlineWorker, schedulerMigrations, type DeadlineHandler } from '@acme/scheduler';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Logger as Pino } from 'pino';
import { flushTelemetry } from '@acme/telemetry';
import type { Registry } from 'prom-client';
import { lookup } from '@acme/contracts';
import {
  DATABASE,
  DEADLINE_HANDLERS,
  KAFKA,
  METRICS,
  PLATFORM_OPTIONS,
  PROJECTIONS,
} from './platform.tokens.js';
import type { PlatformOptions } from './platform.options.js';
import { ROOT_LOGGER } from './platform.internal-tokens.js';

/**
 * Start-up and shutdown of what every service runs besides its HTTP API and consumer:
 * migrations and topics before anything else; the outbox relay and the deadline worker once the
 * app is up; on shutdown they finish their batch in flight, then the pool closes last.
 */
@Injectable()
export class PlatformLifecycle
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private relay: OutboxRelay | undefined;
  private worker: DeadlineWorker<unknown> | undefined;
  private projections: ProjectionHost<unknown> | undefined;

  constructor(
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Database type
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(ROOT_LOGGER) private readonly logger: Pino,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  /** The relay's state, for readiness (undefined when this instance runs no relay). */
  get relayState(): string | undefined {
    return this.relay?.state;
  }

  /** The read model's serving schema and running groups, for readiness (undefined without one). */
  get readModel(): { schema: string | undefined; groups: string[] } | undefined {
    const host = this.projections;
    return host && { schema: host.servingSchema, groups: host.runningGroups };
  }

  async onModuleInit(): Promise<void> {
    const applied = await migrate(
      this.db,
      eventStoreMigrations,
      outboxMigrations,
      messagingMigrations,
      schedulerMigrations,
      ...(this.options.projection ? [projectionMigrations] : []),
      ...(this.options.migrations ?? []),
    );
    if (applied.length > 0) this.logger.info({ applied }, 'database migrated');
    await this.ensureTopics();
  }

  async onApplicationBootstrap(): Promise<void> {
    const { service, config } = this.options;
    // The read model serves from its first query: its generation exists before HTTP listens.
    this.projections = this.optional(PROJECTIONS) as ProjectionHost<unknown> | undefined;
    await this.projections?.start();
    if (config.RELAY_ENABLED) {
      this.relay = new OutboxRelay({
        name: service,
        databaseUrl: databaseUrl(config.DATABASE_URL, config.DATABASE_NAME),
        kafka: this.kafka,
        registry: this.metrics,
        logger: this.logger.child({ component: 'outbox-relay' }),
      });
      this.relay.start();
    }
    const handlers = this.optional(DEADLINE_HANDLERS) as Record<string, DeadlineHandler<unknown>> | undefined;
    if (handlers) {
      this.worker = new DeadlineWorker({
        db: this.db,
        kinds: handlers,
        registry: this.metrics,
        logger: this.logger.child({ component: 'deadlines' }),
      });
      this.worker.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.worker?.stop(), this.relay?.stop(), this.projections?.stop()]);
    this.worker = undefined;
    this.relay = undefined;
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.db.destroy();
    // The spans of the last seconds, before the process exits.
    await flushTelemetry();
    // The last step of a graceful stop: HTTP drained, consumer committed, relay and worker done.
    this.logger.info({ signal }, 'service stopped');
  }

  /** A provider the app may or may not have (deadline handlers, a read model). */
  private optional(token: symbol): unknown {
    try {
      return this.modules.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  /**
   * The topics this service publishes to and reads from (and its group's dead-letter and replay
   * topics), created when missing; start-up goes on once the broker serves every one of them.
   */
  private async ensureTopics(): Promise<void> {
    const { config, consumes, publishes, service, projection } = this.options;
    const prefix = config.KAFKA_TOPIC_PREFIX;
    const group = prefix + (consumes?.groupId ?? service);
    const wanted = new Map<string, number>();
    for (const topic of [
      ...publishes.map((type) => lookup(type).topic),
      ...(consumes?.topics ?? []),
      ...(projection?.spec.topics ?? []),
    ])
      wanted.set(prefix + topic, config.KAFKA_TOPIC_PARTITIONS);
    // One partition each, as the consumer runtime would create them.
    if (consumes) for (const topic of [dlqTopic(group), replayTopic(group)]) wanted.set(topic, 1);
    if (wanted.size === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Several services start at once and create the shared topics: whoever created one, the
      // broker must serve it before this service subscribes or produces.
      const created = await ensureTopics(
        admin,
        [...wanted].map(([topic, partitions]) => ({ topic, partitions })),
      );
      if (created.length > 0) this.logger.info({ topics: created }, 'topics created');
    } finally {
      await admin.disconnect();
    }
  }
}
