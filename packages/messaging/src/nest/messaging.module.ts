import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessageConsumer, type MessageConsumerOptions } from '../consumer/runtime.js';
import { EventHandlerExplorer } from './event-handlers.js';
import { MESSAGING_OPTIONS } from './messaging.tokens.js';

/** The consumer runtime's options; the handlers are the app's `@EventPattern` methods. */
export type MessagingModuleOptions<DB = unknown> = Omit<MessageConsumerOptions<DB>, 'handlers'>;

export interface MessagingModuleAsyncOptions<DB = unknown> {
  /** Modules that export what `inject` names (the database, the Kafka client, the codec). */
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => MessagingModuleOptions<DB> | Promise<MessagingModuleOptions<DB>>;
}

/**
 * Owns the app's consumer: builds it from the `@EventPattern` handlers once every module is
 * initialised, starts it before the app counts as started, stops it first when the app closes.
 */
@Injectable()
export class EventConsumerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MessagingModule');
  private running: MessageConsumer<unknown> | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(EventHandlerExplorer) private readonly explorer: EventHandlerExplorer,
  ) {}

  /** The running consumer (undefined before start-up and after shutdown), e.g. for health checks. */
  get consumer(): MessageConsumer<unknown> | undefined {
    return this.running;
  }

  // Bootstrap, not module init: by then every provider and controller exists. A failure here (an
  // invalid filter pattern, Kafka unreachable) rejects `app.init()`/`app.listen()` with its reason.
  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.explorer.explore();
    if (handlers.length === 0)
      this.logger.warn(
        `consumer group ${this.options.groupId} has no @EventPattern handlers: it will skip every event`,
      );
    const consumer = new MessageConsumer({ ...this.options, handlers });
    await consumer.start();
    this.running = consumer;
  }

  // The earliest shutdown hook: in-flight handlers finish and commit while the app's database pool
  // and other providers are still there (close those in onApplicationShutdown).
  async onModuleDestroy(): Promise<void> {
    const consumer = this.running;
    this.running = undefined;
    await consumer?.stop();
  }
}

/**
 * Runs the `@acme/messaging` consumer runtime inside a Nest app, with handlers declared the Nest
 * way (`@ConsumeEvent` or `@EventPattern`, `@Payload()`, `@Ctx()`). Works in an HTTP app, a
 * standalone application context and a hybrid app alike: the consumer starts with
 * `app.init()`/`app.listen()` and stops with `app.close()`.
 *
 * Not a `CustomTransportStrategy`: Nest's RPC exception layer turns an event handler's error into
 * `{ status: 'error', message: 'Internal server error' }` before a transport sees it, which would
 * hide `PermanentError` vs a retriable failure from the runtime. See `EventHandlerExplorer`.
 *
 * One consumer group per app: every event handler of the app (with no transport, or `KafkaEvents`)
 * joins it.
 *
 * @example
 *   @Module({
 *     imports: [
 *       DatabaseModule,
 *       MessagingModule.forRootAsync({
 *         imports: [DatabaseModule],
 *         inject: [DATABASE, CODEC],
 *         useFactory: (db: Kysely<Database>, codec: AvroCodec) =>
 *           ({ kafka, groupId: 'inventory', topics: ['order.events'], db, codec }),
 *       }),
 *     ],
 *     controllers: [OrderEventsController],
 *   })
 *   export class AppModule {}
 *
 *   @Controller()
 *   export class OrderEventsController {
 *     // or @EventPattern<string>('com.acme.order.placed.v2', { filter }) — the same to the runtime
 *     @ConsumeEvent('com.acme.order.placed.v2', { filter: { data: { totalMinor: [{ numeric: ['>', 0] }] } } })
 *     async reserve(@Payload() order: OrderPlaced, @Ctx() ctx: EventContext<Database>) {
 *       await reserveStock(ctx.tx, order); // throw PermanentError to dead-letter, anything retriable to retry
 *     }
 *   }
 */
@Module({})
export class MessagingModule {
  static forRoot<DB>(options: MessagingModuleOptions<DB>): DynamicModule {
    return MessagingModule.build([{ provide: MESSAGING_OPTIONS, useValue: options }], []);
  }

  static forRootAsync<DB>(options: MessagingModuleAsyncOptions<DB>): DynamicModule {
    return MessagingModule.build(
      [{ provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
    );
  }

  private static build(
    optionsProvider: Provider[],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule, ...imports],
      providers: [...optionsProvider, EventHandlerExplorer, EventConsumerHost],
      exports: [EventConsumerHost],
    };
  }
}
