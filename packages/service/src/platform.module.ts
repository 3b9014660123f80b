import { contracts, contractUpcasters } from '@acme/contracts';
import { AvroCodec, EventPublisher, kafkaSecurity, registryAuth } from '@acme/messaging';
import { NoNulCharacters } from '@acme/http';
import { MessagingModule } from '@acme/messaging/nest';
import { connect } from '@acme/postgres';
import { ProjectionHost } from '@acme/projections';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { TOKEN_VERIFIER } from './auth/auth.tokens.js';
import { BearerAuthGuard } from './auth/bearer-auth.guard.js';
import { tokenVerifier } from './auth/token-verifier.js';
import { HealthController } from './health.controller.js';
import { kafkaLogCreator } from './kafka-logs.js';
import { httpLoggingParams, rootLogger } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { Outbox } from './outbox.js';
import { ROOT_LOGGER } from './platform.internal-tokens.js';
import { PlatformLifecycle } from './platform.lifecycle.js';
import type { PlatformOptions } from './platform.options.js';
import {
  CODEC,
  CONFIG,
  DATABASE,
  KAFKA,
  METRICS,
  OUTBOX,
  PLATFORM_OPTIONS,
  PROJECTIONS,
} from './platform.tokens.js';

/**
 * Everything a service stands on, configured once: its database (migrated at start-up), the Kafka
 * client, the Avro codec (its published schemas registered), the outbox and its relay, the
 * consumer runtime for its `@ConsumeEvent` handlers, the deadline worker (when the app provides
 * `DEADLINE_HANDLERS`), JSON logs, `/health/live`, `/health/ready` and `/metrics`, and bearer-token
 * authentication of every other HTTP route (`@Public()`, `@RequireRole()`, `@Principal()`).
 *
 * @example
 *   @Module({
 *     imports: [PlatformModule.forRoot({ service: 'order', config, publishes: orderEventTypes,
 *       consumes: { topics: ['inventory.events', 'payment.events'] } })],
 *     controllers: [OrdersController, ReplyHandlers],
 *   })
 *   export class AppModule {}
 */
// kafkajs 2 warns on every producer that its default partitioner changed in 2.0; ours were never
// on the old one, so the warning says nothing here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { service, config } = options;
    const logger = rootLogger(service, config);
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      { provide: CONFIG, useValue: config },
      { provide: ROOT_LOGGER, useValue: logger },
      {
        provide: METRICS,
        useFactory: () => {
          const registry = new Registry();
          registry.setDefaultLabels({ service });
          collectDefaultMetrics({ register: registry });
          return registry;
        },
      },
      {
        provide: DATABASE,
        useFactory: () =>
          connect({
            url: config.DATABASE_URL,
            database: config.DATABASE_NAME,
            max: config.DATABASE_POOL_SIZE,
            applicationName: service,
            onIdleError: (error) => {
              logger.warn({ err: error }, 'idle database connection lost');
            },
          }),
      },
      {
        provide: KAFKA,
        useFactory: () =>
          new Kafka({
            clientId: service,
            brokers: config.KAFKA_BROKERS,
            logCreator: kafkaLogCreator(logger),
            ...kafkaSecurity(config),
          }),
      },
      {
        provide: CODEC,
        // Registering the published schemas here makes a registry outage fail start-up, not a command.
        useFactory: async () => {
          const codec = new AvroCodec(
            new SchemaRegistry({ host: config.SCHEMA_REGISTRY_URL, ...registryAuth(config) }),
            Object.values(contracts),
          );
          await codec.prepare(options.publishes);
          return codec;
        },
      },
      {
        provide: OUTBOX,
        inject: [CODEC],
        useFactory: (codec: AvroCodec) =>
          new Outbox(
            new EventPublisher(
              codec,
              Object.values(contracts).map((c) => ({ ...c, topic: config.KAFKA_TOPIC_PREFIX + c.topic })),
              { source: `/acme/${service}` },
            ),
          ),
      },
      ...(options.projection ? [projectionHost(options, logger)] : []),
      PlatformLifecycle,
      // Every HTTP route authenticated unless @Public(), roles per @RequireRole (auth/).
      { provide: TOKEN_VERIFIER, useFactory: () => tokenVerifier(config) },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
      // Before any route's pipes: text Postgres cannot store is a 400, never a 500 later.
      { provide: APP_PIPE, useClass: NoNulCharacters },
    ];
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(httpLoggingParams(logger)),
        TerminusModule.forRoot({ logger: false }),
        ...(options.consumes ? [consumerModule(options, logger)] : []),
      ],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [
        PLATFORM_OPTIONS,
        CONFIG,
        ROOT_LOGGER,
        METRICS,
        DATABASE,
        KAFKA,
        CODEC,
        OUTBOX,
        ...(options.projection ? [PROJECTIONS] : []),
        PlatformLifecycle,
      ],
    };
  }
}

function consumerModule(options: PlatformOptions, logger: Pino): DynamicModule {
  const consumes = options.consumes;
  if (!consumes) throw new Error('unreachable');
  return MessagingModule.forRootAsync({
    inject: [DATABASE, KAFKA, CODEC, METRICS],
    useFactory: (db: Kysely<unknown>, kafka: Kafka, codec: AvroCodec, metrics: Registry) => ({
      kafka,
      groupId: options.config.KAFKA_TOPIC_PREFIX + (consumes.groupId ?? options.service),
      topics: consumes.topics.map((topic) => options.config.KAFKA_TOPIC_PREFIX + topic),
      db,
      codec,
      upcasters: contractUpcasters.steps,
      metrics,
      logger: logger.child({ component: 'consumer' }),
      // The deployment's setting wins over the app's default.
      ...((options.config.CONSUMER_BATCH_SIZE ?? consumes.batchSize) === undefined
        ? {}
        : { batchSize: options.config.CONSUMER_BATCH_SIZE ?? consumes.batchSize }),
      ...(options.config.CONSUMER_CONCURRENCY === undefined
        ? {}
        : { partitionsConsumedConcurrently: options.config.CONSUMER_CONCURRENCY }),
      ...(consumes.maxAttempts === undefined ? {} : { maxAttempts: consumes.maxAttempts }),
    }),
  });
}

function projectionHost(options: PlatformOptions, logger: Pino): Provider {
  const { config, projection } = options;
  if (!projection) throw new Error('unreachable');
  return {
    provide: PROJECTIONS,
    inject: [DATABASE, KAFKA, CODEC, METRICS],
    useFactory: (db: Kysely<unknown>, kafka: Kafka, codec: AvroCodec, metrics: Registry) =>
      new ProjectionHost({
        spec: projection.spec,
        db,
        kafka,
        codec,
        upcasters: contractUpcasters.steps,
        prefix: config.KAFKA_TOPIC_PREFIX,
        metrics,
        logger: logger.child({ component: 'projection' }),
        // The deployment's settings win over the app's defaults.
        ...((config.CONSUMER_BATCH_SIZE ?? projection.batchSize) === undefined
          ? {}
          : { batchSize: config.CONSUMER_BATCH_SIZE ?? projection.batchSize }),
        ...(config.CONSUMER_CONCURRENCY === undefined
          ? {}
          : { partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY }),
      }),
  };
}
