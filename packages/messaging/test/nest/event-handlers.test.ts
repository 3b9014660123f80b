import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Controller,
  Injectable,
  Module,
  type INestApplicationContext,
  type NestApplicationOptions,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, Transport } from '@nestjs/microservices';
import { eventually } from '@acme/testing';
import { defer, type Observable } from 'rxjs';
import { InvalidPatternError, PermanentError } from '../../src/index.js';
import { ConsumeEvent, EventConsumerHost, MessagingModule, type EventContext } from '../../src/nest/index.js';
import {
  nestWorld,
  orderPlaced,
  type NestTestDatabase,
  type NestWorld,
  type OrderPlaced,
} from './support.js';

// Each test starts a Nest app whose consumer group joins the real Kafka and waits for effects.
jest.setTimeout(90_000);

/** No log output; a failed start-up rejects instead of ending the process. */
// Nest types its options as a declared class (NestApplicationContextOptions); an object is what it takes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
const quiet: NestApplicationOptions = { logger: false, abortOnError: false };

let w: NestWorld;
const apps: INestApplicationContext[] = [];

beforeAll(async () => {
  w = await nestWorld('handlers');
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(() => w.close());

/** What the handlers do besides recording: driven by order id, so each test picks its behaviour. */
const behaviour = {
  permanent: new Set<string>(),
  plainError: new Set<string>(),
  slow: new Map<string, { entered: boolean; gate: Promise<void> }>(),
};

async function record(ctx: EventContext<NestTestDatabase>, handler: string, orderId: string): Promise<void> {
  await ctx.tx
    .insertInto('handled')
    .values({
      handler,
      event_id: ctx.envelope.id,
      order_id: orderId,
      topic: ctx.topic,
      causation_id: ctx.cause.causationId,
    })
    .execute();
}

@Controller()
class OrderEvents {
  // Nest's own decorator works as well. `<string>` picks its untyped overload (see ConsumeEvent);
  // the lint rule sees only that string is the default of that overload's type parameter.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-arguments
  @EventPattern<string>(orderPlaced)
  async all(
    @Payload() order: OrderPlaced,
    @Ctx() ctx: EventContext<NestTestDatabase, OrderPlaced>,
  ): Promise<void> {
    if (behaviour.permanent.has(order.orderId)) throw new PermanentError(`order ${order.orderId} is refused`);
    if (behaviour.plainError.has(order.orderId)) throw new Error(`order ${order.orderId} broke something`);
    const slow = behaviour.slow.get(order.orderId);
    if (slow) {
      slow.entered = true;
      await slow.gate;
    }
    await record(ctx, 'all', order.orderId);
  }

  @ConsumeEvent(orderPlaced, { filter: { data: { totalMinor: [{ numeric: ['>=', 10_000] }] } } })
  async big(@Payload('orderId') orderId: string, @Ctx() ctx: EventContext<NestTestDatabase>): Promise<void> {
    await record(ctx, 'big', orderId);
  }

  /** Another transport's handler: not this runtime's business. */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-arguments
  @EventPattern<string>(orderPlaced, Transport.TCP)
  async tcp(@Payload('orderId') orderId: string, @Ctx() ctx: EventContext<NestTestDatabase>): Promise<void> {
    await record(ctx, 'tcp', orderId);
  }
}

@Injectable()
class LazyHandlers {
  /** A lazy Observable: its write happens only when subscribed, so this fails unless it is awaited. */
  @ConsumeEvent(orderPlaced, { filter: { data: { orderId: [{ prefix: 'lazy-' }] } } })
  lazy(@Payload() order: OrderPlaced, @Ctx() ctx: EventContext<NestTestDatabase>): Observable<void> {
    return defer(() => record(ctx, 'lazy', order.orderId));
  }
}

@Controller()
class InvalidFilter {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-arguments
  @EventPattern<string>(orderPlaced, { filter: { data: { orderId: [{ prefix: 5 }] } } })
  async never(): Promise<void> {
    await Promise.resolve();
  }
}

async function start(
  group: string,
  handlers: { controllers?: Type[]; providers?: Type[] } = {},
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      MessagingModule.forRoot({
        kafka: w.kafka,
        groupId: group,
        topics: [w.topic],
        db: w.db,
        codec: w.codec,
        backoff: { baseMs: 10, maxMs: 50 },
        maxAttempts: 3,
      }),
    ],
    controllers: handlers.controllers ?? [OrderEvents],
    providers: handlers.providers ?? [LazyHandlers],
  })
  class AppModule {}
  // A worker without HTTP: the consumer starts inside `init()`, which createApplicationContext runs.
  const app = await NestFactory.createApplicationContext(AppModule, quiet);
  apps.push(app);
  return app;
}

/** Published after `before` on the one partition: once it is handled, so is everything before it. */
async function drained(): Promise<void> {
  const sentinel = `sentinel-${randomUUID()}`;
  await w.publish({ orderId: sentinel });
  await eventually(
    async () => ((await w.handled('all')).some((row) => row.order_id === sentinel) ? true : undefined),
    { description: `sentinel ${sentinel} to be handled` },
  );
}

const rowsOf = async (handler: string, orderId: string) =>
  (await w.handled(handler)).filter((row) => row.order_id === orderId);

test('an @EventPattern handler writes through ctx.tx, exactly once for an event delivered twice', async () => {
  await start(w.group('once'));
  const orderId = randomUUID();
  const id = await w.publish({ orderId });
  await w.publish({ orderId, id }); // the same event again (a relay retry, a dual publish)
  await drained();
  const rows = await rowsOf('all', orderId);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ event_id: id, topic: w.topic, causation_id: id });
  const inbox = await w.db.selectFrom('inbox').selectAll().where('message_id', '=', id).execute();
  expect(inbox).toHaveLength(1);
});

test('a filter in the extras only lets matching events reach its handler', async () => {
  await start(w.group('filter'));
  const small = `small-${randomUUID()}`;
  const big = `big-${randomUUID()}`;
  const lazy = `lazy-${randomUUID()}`;
  await w.publish({ orderId: small, totalMinor: 500 });
  await w.publish({ orderId: big, totalMinor: 25_000 });
  await w.publish({ orderId: lazy, totalMinor: 700 });
  await drained();
  expect(await rowsOf('all', small)).toHaveLength(1);
  expect(await rowsOf('all', big)).toHaveLength(1);
  expect(await rowsOf('big', big)).toHaveLength(1);
  expect(await rowsOf('big', small)).toHaveLength(0);
  // The Observable handler was awaited inside the transaction: its row committed with it.
  expect(await rowsOf('lazy', lazy)).toHaveLength(1);
  expect(await rowsOf('lazy', small)).toHaveLength(0);
  expect(await w.handled('tcp')).toHaveLength(0);
});

test("a handler's error reaches the runtime as thrown: permanent is parked at once, others after retries", async () => {
  await start(w.group('errors'));
  const refused = `refused-${randomUUID()}`;
  const broken = `broken-${randomUUID()}`;
  behaviour.permanent.add(refused);
  behaviour.plainError.add(broken);
  const refusedId = await w.publish({ orderId: refused });
  const brokenId = await w.publish({ orderId: broken });
  await drained();
  const parked = await w.db
    .selectFrom('dead_letters')
    .select(['event_id', 'reason', 'error_class', 'error_message', 'attempts'])
    .where('event_id', 'in', [refusedId, brokenId])
    .execute();
  expect(parked).toEqual(
    expect.arrayContaining([
      {
        event_id: refusedId,
        reason: 'rejected',
        error_class: 'PermanentError',
        error_message: `order ${refused} is refused`,
        attempts: 1,
      },
      {
        event_id: brokenId,
        reason: 'retries-exhausted',
        error_class: 'Error',
        error_message: `order ${broken} broke something`,
        attempts: 3,
      },
    ]),
  );
  expect(parked).toHaveLength(2);
  // Their transactions rolled back: no effect, no inbox row.
  expect(await rowsOf('all', refused)).toHaveLength(0);
  expect(
    await w.db.selectFrom('inbox').selectAll().where('message_id', '=', refusedId).execute(),
  ).toHaveLength(0);
});

test('an invalid filter pattern fails the app at start-up with the reason', async () => {
  const failing = start(w.group('invalid'), { controllers: [InvalidFilter], providers: [] });
  await expect(failing).rejects.toThrow(InvalidPatternError);
  await expect(failing).rejects.toThrow(
    /invalid event pattern at data\.orderId: prefix must be a string, got 5/,
  );
});

test('app.close() lets the in-flight handler finish and commit, then leaves the group', async () => {
  const group = w.group('close');
  const app = await start(group);
  await drained();
  const slowOrder = `slow-${randomUUID()}`;
  let release = (): void => undefined;
  const slow = { entered: false, gate: new Promise<void>((resolve) => (release = resolve)) };
  behaviour.slow.set(slowOrder, slow);
  await w.publish({ orderId: slowOrder });
  await eventually(() => Promise.resolve(slow.entered || undefined), {
    description: 'the slow handler to start',
  });

  apps.splice(apps.indexOf(app), 1);
  const closing = app.close();
  release();
  await closing;

  expect(app.get(EventConsumerHost).consumer).toBeUndefined();
  expect(await rowsOf('all', slowOrder)).toHaveLength(1);
  const admin = w.kafka.admin();
  await admin.connect();
  try {
    const [end] = await admin.fetchTopicOffsets(w.topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [w.topic] });
    expect(committed?.partitions[0]?.offset).toBe(end?.high);
    const { groups } = await admin.describeGroups([group]);
    expect(groups[0]?.members).toEqual([]);
  } finally {
    await admin.disconnect();
  }
});
