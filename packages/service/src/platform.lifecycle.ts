import { eventStoreMigrations } from '@acme/event-store';
import { messagingMigrations } from '@acme/messaging';
import { OutboxRelay, outboxMigrations } from '@acme/outbox';
import { databaseUrl, migrate } from '@acme/postgres';
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
import type { Registry } from 'prom-client';
import { lookup } from '@acme/contracts';
import { DATABASE, DEADLINE_HANDLERS, KAFKA, METRICS, PLATFORM_OPTIONS } from './platform.tokens.js';
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

  async onModuleInit(): Promise<void> {
    const applied = await migrate(
      this.db,
      eventStoreMigrations,
      outboxMigrations,
      messagingMigrations,
      schedulerMigrations,
      ...(this.options.migrations ?? []),
    );
    if (applied.length > 0) this.logger.info({ applied }, 'database migrated');
    await this.ensureTopics();
  }

  onApplicationBootstrap(): void {
    const { service, config } = this.options;
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
    const handlers = this.deadlineHandlers();
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
    await Promise.all([this.worker?.stop(), this.relay?.stop()]);
    this.worker = undefined;
    this.relay = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }

  private deadlineHandlers(): Record<string, DeadlineHandler<unknown>> | undefined {
    try {
      return this.modules.get<Record<string, DeadlineHandler<unknown>>>(DEADLINE_HANDLERS, { strict: false });
    } catch {
      return undefined; // the app schedules nothing
    }
  }

  /** The topics this service publishes to and reads from, created when missing. */
  private async ensureTopics(): Promise<void> {
    const prefix = this.options.config.KAFKA_TOPIC_PREFIX;
    const topics = new Set(
      [
        ...this.options.publishes.map((type) => lookup(type).topic),
        ...(this.options.consumes?.topics ?? []),
      ].map((topic) => prefix + topic),
    );
    if (topics.size === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [...topics].filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.config.KAFKA_TOPIC_PARTITIONS,
        })),
        waitForLeaders: true,
      });
      this.logger.info({ topics: missing }, 'topics created');
    } finally {
      await admin.disconnect();
    }
  }
}
