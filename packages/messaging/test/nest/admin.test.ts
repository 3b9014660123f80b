import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Controller,
  Module,
  type CanActivate,
  type INestApplication,
  type NestApplicationOptions,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { consumeUntil, eventually } from '@acme/testing';
import {
  headerString,
  PermanentError,
  replayTopic,
  type DeadLetterSummary,
  type ReplayResult,
} from '../../src/index.js';
import {
  ConsumeEvent,
  MessagingAdminModule,
  MessagingModule,
  type EventContext,
} from '../../src/nest/index.js';
import {
  nestWorld,
  orderPlaced,
  type NestTestDatabase,
  type NestWorld,
  type OrderPlaced,
} from './support.js';

// An HTTP app on the real stack: its consumer parks what its handler refuses, its admin endpoints
// list and replay it.
jest.setTimeout(90_000);

let w: NestWorld;
let group: string;
let app: INestApplication;
let base: string;

/** Orders the handler refuses (PermanentError: parked at once). */
const refused = new Set<string>();

@Controller()
class PickyOrders {
  @ConsumeEvent(orderPlaced)
  async take(@Payload() order: OrderPlaced, @Ctx() ctx: EventContext<NestTestDatabase>): Promise<void> {
    if (refused.has(order.orderId)) throw new PermanentError(`order ${order.orderId} is refused`);
    await ctx.tx
      .insertInto('handled')
      .values({
        handler: 'picky',
        event_id: ctx.envelope.id,
        order_id: order.orderId,
        topic: ctx.topic,
        causation_id: ctx.cause.causationId,
      })
      .execute();
  }
}

/** No log output; a failed start-up rejects instead of ending the process. */
// Nest types its options as a declared class (NestApplicationContextOptions); an object is what it takes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
const quiet: NestApplicationOptions = { logger: false, abortOnError: false };

async function httpApp(module: Type): Promise<{ app: INestApplication; base: string }> {
  const nest = await NestFactory.create(module, quiet);
  await nest.listen(0, '127.0.0.1');
  return { app: nest, base: await nest.getUrl() };
}

beforeAll(async () => {
  w = await nestWorld('admin');
  group = w.group('admin');
  @Module({
    imports: [
      MessagingModule.forRoot({
        kafka: w.kafka,
        groupId: group,
        topics: [w.topic],
        db: w.db,
        codec: w.codec,
      }),
      MessagingAdminModule.forRoot({ db: w.db, kafka: w.kafka, groups: [group] }),
    ],
    controllers: [PickyOrders],
  })
  class AppModule {}
  ({ app, base } = await httpApp(AppModule));
});

afterAll(async () => {
  await app.close();
  await w.close();
});

interface Answer<T> {
  status: number;
  body: T;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; message: string }[];
}

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  at = base,
): Promise<Answer<T>> {
  const response = await fetch(`${at}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const list = (query: string) =>
  call<{ group: string; deadLetters: DeadLetterSummary[] } & ErrorBody>('GET', `/admin/dlq?${query}`);
const replay = (body: unknown, headers?: Record<string, string>) =>
  call<ReplayResult & ErrorBody>('POST', '/admin/dlq/replay', body, headers);
const audits = () => w.db.selectFrom('dlq_replays').selectAll().orderBy('id').execute();
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** Park one refused order through the real runtime; resolves to its event id once GET lists it. */
async function parkOne(): Promise<{ orderId: string; eventId: string }> {
  const orderId = `refused-${randomUUID()}`;
  refused.add(orderId);
  const eventId = await w.publish({ orderId });
  await eventually(
    async () => {
      const { body } = await list(q({ group, eventId }));
      return body.deadLetters.length === 1 ? true : undefined;
    },
    { description: `event ${eventId} to be listed as parked` },
  );
  return { orderId, eventId };
}

test('GET lists what the group parked, filtered by event id, error class and time', async () => {
  const { eventId } = await parkOne();
  const { status, body } = await list(q({ group, eventId }));
  expect(status).toBe(200);
  expect(body.group).toBe(group);
  expect(body.deadLetters[0]).toMatchObject({
    eventId,
    eventType: orderPlaced,
    reason: 'rejected',
    errorClass: 'PermanentError',
    attempts: 1,
    status: 'parked',
    source: { topic: w.topic, partition: 0 },
  });
  expect((await list(q({ group }))).body.deadLetters.map((d) => d.eventId)).toContain(eventId);
  expect((await list(q({ group, errorClass: 'PermanentError', eventId }))).body.deadLetters).toHaveLength(1);
  expect((await list(q({ group, errorClass: 'SomethingElse' }))).body.deadLetters).toHaveLength(0);
  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect((await list(q({ group, from: future }))).body.deadLetters).toHaveLength(0);
  expect((await list(q({ group, to: future, eventId }))).body.deadLetters).toHaveLength(1);
});

test('GET answers bad input with 400 and its fields, an unknown group with 404', async () => {
  const bad = await list(q({ group, from: 'yesterday', limit: '0', eventIds: 'typo' }));
  expect(bad.status).toBe(400);
  expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['(query)', 'from', 'limit']);
  expect(bad.body.errors?.find((e) => e.field === '(query)')?.message).toMatch(/eventIds/);

  const reversed = await list(q({ group, from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }));
  expect(reversed.status).toBe(400);
  expect(reversed.body.message).toBe('from must be before to');

  const unknown = await list(q({ group: 'someone-else' }));
  expect(unknown.status).toBe(404);
  expect(unknown.body.message).toContain('someone-else');
});

test('POST replay with dryRun lists and audits, and sends nothing', async () => {
  const { eventId } = await parkOne();
  const before = (await audits()).length;
  const { status, body } = await replay(
    { group, selection: { eventIds: [eventId] }, dryRun: true },
    { 'x-requested-by': 'alice' },
  );
  expect(status).toBe(200);
  expect(body).toMatchObject({ dryRun: true, replayed: 0, matched: [{ eventId, status: 'parked' }] });
  const rows = await audits();
  expect(rows).toHaveLength(before + 1);
  expect(rows.at(-1)).toMatchObject({
    id: BigInt(body.replayId),
    consumer_group: group,
    requested_by: 'alice',
    dry_run: true,
    matched: 1,
    replayed: 0,
    result: 'succeeded',
  });
  const admin = w.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(replayTopic(group));
    expect(offsets.map((o) => o.high)).toEqual(['0']);
  } finally {
    await admin.disconnect();
  }
  const parked = await w.db
    .selectFrom('dead_letters')
    .select('status')
    .where('event_id', '=', eventId)
    .execute();
  expect(parked).toEqual([{ status: 'parked' }]);
});

test('POST replay answers bad input with 400 and its fields, writing nothing', async () => {
  const before = (await audits()).length;

  const invalid = await replay({ group, selection: { from: 'yesterday', eventId: 'x' }, dryRun: 'yes' });
  expect(invalid.status).toBe(400);
  expect(invalid.body.message).toBe('invalid request');
  expect(invalid.body.errors?.map((e) => e.field).sort()).toEqual(['dryRun', 'selection', 'selection.from']);

  const empty = await replay({ group, selection: {} });
  expect(empty.status).toBe(400);
  expect(empty.body.message).toMatch(/say which messages/);
  expect(empty.body.errors).toEqual([{ field: 'selection', message: empty.body.message }]);

  const mixed = await replay({ group, selection: { all: true, errorClass: 'PermanentError' } });
  expect(mixed.status).toBe(400);

  const unknown = await replay({ group: 'someone-else', selection: { all: true } });
  expect(unknown.status).toBe(404);

  expect(await audits()).toHaveLength(before);
});

test('POST replay sends the selection to <group>.replay, audited; the group handles it again', async () => {
  const { orderId, eventId } = await parkOne();
  refused.delete(orderId); // the cause is fixed: the next delivery succeeds
  const { status, body } = await replay({ group, selection: { eventIds: [eventId] } });
  expect(status).toBe(200);
  expect(body).toMatchObject({ dryRun: false, replayed: 1, matched: [{ eventId }] });
  expect((await audits()).at(-1)).toMatchObject({
    id: BigInt(body.replayId),
    requested_by: 'http',
    dry_run: false,
    replayed: 1,
    result: 'succeeded',
  });

  const sent = await consumeUntil(w.kafka, replayTopic(group), (messages) =>
    messages.some((m) => headerString(m.headers, 'ce_id') === eventId),
  );
  const message = sent.find((m) => headerString(m.headers, 'ce_id') === eventId);
  expect(headerString(message?.headers, 'replay_id')).toBe(body.replayId);
  expect(message?.key?.toString()).toBe(orderId);

  await eventually(
    async () => {
      const row = await w.db
        .selectFrom('dead_letters')
        .select('status')
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row?.status === 'resolved' ? true : undefined;
    },
    { description: 'the replayed message to be handled and its dead letter resolved' },
  );
  expect((await w.handled('picky')).filter((row) => row.event_id === eventId)).toHaveLength(1);
});

test('the guard slot decides who may use the endpoints', async () => {
  const adminsOnly: CanActivate = {
    canActivate: (context) =>
      context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[
        'x-role'
      ] === 'admin',
  };
  const producer = w.kafka.producer();
  await producer.connect();
  @Module({
    imports: [MessagingAdminModule.forRoot({ db: w.db, producer, groups: [group], guard: adminsOnly })],
  })
  class GuardedModule {}
  const guarded = await httpApp(GuardedModule);
  try {
    const path = `/admin/dlq?${q({ group })}`;
    expect((await call('GET', path, undefined, {}, guarded.base)).status).toBe(403);
    expect((await call('GET', path, undefined, { 'x-role': 'admin' }, guarded.base)).status).toBe(200);
  } finally {
    await guarded.app.close();
    await producer.disconnect();
  }
});
