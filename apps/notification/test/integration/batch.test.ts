// A run of order events in one transaction (handleCommands) on the real stack: published in one
// produce request to one partition, so the consumer fetches them as one batch, in that order.
import { randomUUID } from 'node:crypto';
import type { EventDataByType } from '@acme/contracts';
import { inboxTransactions, serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually, startSmtpSink, type SmtpSink } from '@acme/testing';
import { sql } from 'kysely';
import { AppModule } from '../../src/app.module.js';
import { notificationConfigSchema, type NotificationConfig } from '../../src/config.js';

jest.setTimeout(60_000);

let sink: SmtpSink;
let world: ServiceWorld<NotificationConfig>;

beforeAll(async () => {
  sink = await startSmtpSink();
  world = await serviceWorld({
    service: 'notification',
    schema: notificationConfigSchema,
    module: (config) => AppModule.register(config),
    env: { SMTP_URL: sink.url },
  });
});

afterAll(async () => {
  await world.close();
  await sink.close();
});

const placed = (orderId: string, email: string) => ({
  type: 'com.acme.order.placed.v2',
  subject: orderId,
  data: {
    orderId,
    customer: { id: `cust-${orderId}`, email, name: 'Ana' },
    lines: [{ sku: 'MUG-1', quantity: 2, unitPriceMinor: 1050 }],
    currency: 'EUR',
    totalMinor: 2100,
    paymentToken: 'tok_ok',
    placedAt: Date.now(),
    deadlineAt: Date.now() + 60_000,
  } satisfies EventDataByType['com.acme.order.placed.v2'],
});

const confirmed = (orderId: string) => ({
  type: 'com.acme.order.confirmed.v1',
  subject: orderId,
  data: { orderId, confirmedAt: Date.now(), paymentId: `pay-${orderId}` },
});

it('handles a run of several orders’ events in one transaction: every e-mail requested once, sent once', async () => {
  const [first, second] = [`o-${randomUUID()}`, `o-${randomUUID()}`];
  const [a, b] = [`a-${first}@example.com`, `b-${second}@example.com`];
  const ids = await world.tap.publishTogether(
    [placed(first, a), placed(second, b), confirmed(first), confirmed(first)],
    randomUUID(),
  );
  expect(new Set((await inboxTransactions(world.db, ids)).values()).size).toBe(1);
  const mailsTo = (email: string) => sink.messages.filter((m) => m.to.includes(email));
  await eventually(
    () => Promise.resolve(mailsTo(a).length >= 2 && mailsTo(b).length >= 1 ? true : undefined),
    {
      description: 'the e-mails of both orders',
    },
  );
  // The job worker polls; once the confirmation went out, anything sent twice would have been too.
  await eventually(async () => {
    const { rows } = await sql<{ pending: number }>`
      SELECT count(*)::int AS pending FROM deadlines
       WHERE kind = 'email.send' AND fired_at IS NULL AND cancelled_at IS NULL`.execute(world.db);
    return rows[0]?.pending === 0 ? true : undefined;
  });
  expect(mailsTo(a)).toHaveLength(2);
  expect(mailsTo(b)).toHaveLength(1);
});
