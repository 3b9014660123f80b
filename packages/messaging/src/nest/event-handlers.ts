import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
// Nest's own pieces, so `@EventPattern`, `@Payload()` and `@Ctx()` mean here what they mean for a
// transport: the listener explorer of @nestjs/microservices and its RPC parameter factory. Not in
// the package's index, but reachable through its `exports` map; re-check them on a Nest upgrade.
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import { RpcParamsFactory } from '@nestjs/microservices/factories/rpc-params-factory.js';
import { ListenerMetadataExplorer } from '@nestjs/microservices/listener-metadata-explorer.js';
import type { Transaction } from 'kysely';
import type { InboundEvent, Handler } from '../consumer/handler.js';
import type { EventPattern as FilterPattern } from '../filter/index.js';
import { EventBatchContext, EventContext } from './event-context.js';

/**
 * Transport id of the consumer runtime. `@EventPattern(type)` handlers with no transport are ours;
 * in an app that also runs Nest transports, `@ConsumeEvent(type)` (or `@EventPattern(type,
 * KafkaEvents, extras)`) keeps a handler to this one, and Nest's transports leave it alone.
 */
export const KafkaEvents: unique symbol = Symbol('@acme/messaging:kafka-events');

/** What `@EventPattern`'s extras may carry for the runtime. */
export interface EventPatternExtras {
  /** EventBridge event pattern over `{ ...envelope, data }`; becomes `Handler.filter`. */
  filter?: FilterPattern;
  /** The method takes runs of events (see `ConsumeEvents`), not one event. */
  batch?: boolean;
}

// Nest's overload for plain string patterns, whose decorator takes any method.
const untypedEventPattern: (
  pattern: string | string[],
  transport: symbol,
  extras: EventPatternExtras,
) => MethodDecorator = EventPattern;

/**
 * `@EventPattern(type, KafkaEvents, extras)` with types that fit an event handler: Nest 12 types
 * `@EventPattern(type)` for handlers whose other parameters are `unknown`, so a method with
 * `@Ctx() ctx: EventContext` does not compile under strict TypeScript unless written
 * `@EventPattern<string>(type)`. Also keeps the handler to this runtime in a hybrid app.
 *
 * @example
 *   @ConsumeEvent('com.acme.order.placed.v2', { filter: { data: { totalMinor: [{ numeric: ['>=', 10_000] }] } } })
 *   async reserve(@Payload() order: OrderPlaced, @Ctx() ctx: EventContext<Database>) { ... }
 */
export function ConsumeEvent(type: string, extras: EventPatternExtras = {}): MethodDecorator {
  return untypedEventPattern(type, KafkaEvents, extras);
}

/**
 * A handler of runs of events: the method gets `(events, ctx: EventBatchContext)` — consecutive
 * fresh events of any of `types` from one partition, in partition order, in one transaction — so
 * it can read, lock and write for all of them with a few statements instead of a few per event.
 * After a failed run the runtime hands the events over again one at a time (each in a run of one),
 * so one bad event is retried or parked alone and its neighbours are handled once.
 *
 * @example
 *   @ConsumeEvents(['com.acme.order.placed.v2', 'com.acme.order.cancelled.v1'])
 *   async onOrders(events: readonly InboundEvent<OrderPlaced | OrderCancelled>[], ctx: EventBatchContext<Database>) {
 *     await stock.apply(ctx.tx, events);
 *   }
 */
export function ConsumeEvents(
  types: string | readonly string[],
  extras: Omit<EventPatternExtras, 'batch'> = {},
): MethodDecorator {
  return untypedEventPattern(typeof types === 'string' ? types : [...types], KafkaEvents, {
    ...extras,
    batch: true,
  });
}

/** An `@EventPattern` handler the runtime cannot take; the app stops at start-up with this. */
export class InvalidEventHandlerError extends Error {
  override readonly name = 'InvalidEventHandlerError';
  readonly retriable = false;
}

/**
 * Turns the app's `@EventPattern` methods (in controllers and providers) into runtime handlers.
 *
 * Each call goes through the method's guards, interceptors and pipes, but not through exception
 * filters: the runtime needs the error itself (its `retriable` flag, class and message) to choose
 * between a retry and the dead-letter topic, and an app's global filters are written for HTTP
 * responses. (This is also why there is no `CustomTransportStrategy`: on that path Nest's RPC
 * exception layer replaces any non-`RpcException` by `{ status: 'error', message: 'Internal server
 * error' }` before the transport sees it.)
 */
@Injectable()
export class EventHandlerExplorer {
  private readonly listeners = new ListenerMetadataExplorer(new MetadataScanner());
  // @Payload('orderId') picks a property of the data; keys are strings for events.
  private readonly params = ((rpc) => ({
    exchangeKeyForValue: (type: number, data: unknown, args: unknown[]): unknown =>
      rpc.exchangeKeyForValue(type, typeof data === 'string' ? data : undefined, args),
  }))(new RpcParamsFactory());

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(ExternalContextCreator) private readonly contexts: ExternalContextCreator,
  ) {}

  explore<DB>(): Handler<DB>[] {
    const handlers: Handler<DB>[] = [];
    const seen = new Set<unknown>();
    for (const wrapper of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      for (const listener of this.listeners.explore(instance)) {
        if (!listener.isEventHandler) continue; // request-reply has no place on an event stream
        if (listener.transport !== undefined && (listener.transport as unknown) !== KafkaEvents) continue;
        const where = `${wrapper.name}.${listener.methodKey}`;
        if (!wrapper.isDependencyTreeStatic())
          throw new InvalidEventHandlerError(
            `${where}: event handlers must live in singleton (not request- or transient-scoped) classes`,
          );
        const invoke = this.contexts.create(
          instance,
          listener.targetCallback,
          listener.methodKey,
          PARAM_ARGS_METADATA,
          this.params,
          undefined,
          undefined,
          { guards: true, interceptors: true, filters: false },
          'rpc',
        );
        const extras = (listener.extras ?? {}) as EventPatternExtras;
        // One function for all the method's types, so a run mixing them comes in one call.
        const handleBatch = extras.batch
          ? async (events: readonly InboundEvent[], tx: Transaction<DB>) => {
              await invoke(events, new EventBatchContext<DB>([events, tx]));
            }
          : undefined;
        for (const pattern of listener.patterns) {
          if (typeof pattern !== 'string' || pattern === '')
            throw new InvalidEventHandlerError(
              `${where}: @EventPattern takes a CloudEvents type such as 'com.acme.order.placed.v2', got ${JSON.stringify(pattern)}`,
            );
          handlers.push({
            type: pattern,
            ...(extras.filter === undefined ? {} : { filter: extras.filter }),
            // Resolves once the method's Promise or Observable has finished, so its writes are in
            // `tx` before the runtime commits; a rejection goes to the runtime as it was thrown.
            ...(handleBatch
              ? {
                  handle: (event: InboundEvent, tx: Transaction<DB>) => handleBatch([event], tx),
                  handleBatch,
                }
              : {
                  handle: async (event: InboundEvent, tx: Transaction<DB>) => {
                    await invoke(event.data, new EventContext<DB>([event, tx]));
                  },
                }),
          });
        }
      }
    }
    return handlers;
  }
}
