import { randomUUID } from 'node:crypto';
import type { EventDataByType } from '@acme/contracts';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually, startSmtpSink, type ReceivedMail, type SmtpSink } from '@acme/testing';
import { AppModule } from '../../src/app.module.js';
import type { NotificationHistory } from '../../src/application/notification-history.js';
import { notificationConfigSchema, type NotificationConfig } from '../../src/config.js';

jest.setTimeout(60_000);

// One service and one sink for the file (two CPUs shared): the "mail server down" case runs last
// and closes the sink, then brings it back on the same port.
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

const placedData = (
  orderId: string,
  customer: { email: string; name: string | null },
): EventDataByType['com.acme.order.placed.v2'] => ({
  orderId,
  customer: { id: `cust-${orderId}`, ...customer },
  lines: [{ sku: 'MUG-1', quantity: 2, unitPriceMinor: 1050 }],
  currency: 'EUR',
  totalMinor: 2100,
  paymentToken: 'tok_ok',
  placedAt: Date.now(),
  deadlineAt: Date.now() + 60_000,
});

async function publishPlaced(orderId: string, email: string, name: string | null = 'Ana'): Promise<string> {
  return world.tap.publish({
    type: 'com.acme.order.placed.v2',
    subject: orderId,
    data: placedData(orderId, { email, name }),
  });
}

async function publishConfirmed(orderId: string, id?: string): Promise<string> {
  return world.tap.publish({
    type: 'com.acme.order.confirmed.v1',
    subject: orderId,
    data: { orderId, confirmedAt: Date.now(), paymentId: `pay-${orderId}` },
    ...(id === undefined ? {} : { id }),
  });
}

const messageId = (eventId: string, email: string): string => `<${eventId}:${email}@acme.notification>`;
const mailsWith = (id: string): ReceivedMail[] => sink.messages.filter((m) => m.messageId === id);
const mailsTo = (email: string): ReceivedMail[] => sink.messages.filter((m) => m.to.includes(email));

async function history(orderId: string): Promise<{ status: number; body: NotificationHistory }> {
  const res = await fetch(`${world.url}/notifications/${encodeURIComponent(orderId)}`, {
    headers: await world.auth(),
  });
  return { status: res.status, body: (await res.json()) as NotificationHistory };
}

/** Waits until the order's history shows `count` e-mails, all sent. */
async function allSent(orderId: string, count: number): Promise<NotificationHistory> {
  return eventually(
    async () => {
      const { status, body } = await history(orderId);
      if (status !== 200) return undefined;
      const done = body.emails.length === count && body.emails.every((e) => e.status === 'sent');
      return done ? body : undefined;
    },
    { description: `${count} e-mails of ${orderId} recorded sent` },
  );
}

describe('notification service', () => {
  it('sends the "received" and the confirmation e-mail, HTML escaped, From MAIL_FROM', async () => {
    const orderId = `o-${randomUUID()}`;
    const email = `ana-${orderId}@example.com`;
    const name = '<script>alert("x")</script> Ana';
    const placedId = await publishPlaced(orderId, email, name);
    const confirmedId = await publishConfirmed(orderId);

    const received = await sink.waitFor((m) => m.messageId === messageId(placedId, email));
    const confirmed = await sink.waitFor((m) => m.messageId === messageId(confirmedId, email));

    expect(received.subject).toBe(`We received your order ${orderId}`);
    expect(confirmed.subject).toBe(`Your order ${orderId} is confirmed`);
    for (const mail of [received, confirmed]) {
      expect(mail.to).toEqual([email]);
      expect(mail.envelope.to).toEqual([email]);
      expect(mail.from).toMatch(/^"?Acme Shop"? <orders@acme\.test>$/);
      expect(mail.html).toContain('&lt;script&gt;');
      expect(mail.html).not.toContain('<script>');
      expect(mail.text).toContain(name); // plain text is not HTML: nothing to escape
    }
    expect(received.text).toContain('MUG-1');

    const { body } = await history(orderId);
    expect(body.contact).toEqual({ email, name });
    expect(body.emails.map((e) => e.template).sort()).toEqual(['order-confirmed', 'order-placed']);
    await allSent(orderId, 2);
  });

  it('sends one confirmation however often and however many confirmations arrive', async () => {
    const orderId = `o-${randomUUID()}`;
    const email = `bea-${orderId}@example.com`;
    await publishPlaced(orderId, email);
    const confirmedId = await publishConfirmed(orderId);
    await publishConfirmed(orderId, confirmedId); // redelivered: same CloudEvents id
    await publishConfirmed(orderId); // a second, distinct confirmation of the same order
    // A later fact on the same partition: once its e-mail is recorded, the ones before it are settled.
    const shippedId = await world.tap.publish({
      type: 'com.acme.order.shipped.v1',
      subject: orderId,
      data: { orderId, shippedAt: Date.now() },
    });
    await sink.waitFor((m) => m.messageId === messageId(shippedId, email));
    const settled = await allSent(orderId, 3);

    expect(settled.emails.map((e) => e.template).sort()).toEqual([
      'order-confirmed',
      'order-placed',
      'order-shipped',
    ]);
    expect(mailsWith(messageId(confirmedId, email))).toHaveLength(1);
    expect(
      mailsTo(email)
        .map((m) => m.subject)
        .sort(),
    ).toEqual([
      `We received your order ${orderId}`,
      `Your order ${orderId} is confirmed`,
      `Your order ${orderId} is on its way`,
    ]);
  });

  it('defers a confirmation that arrives before the order, then sends both', async () => {
    const orderId = `o-${randomUUID()}`;
    const email = `cy-${orderId}@example.com`;
    const confirmedId = await publishConfirmed(orderId);
    const deferred = await eventually(
      async () => {
        const { status, body } = await history(orderId);
        return status === 200 ? body : undefined;
      },
      { description: 'the confirmation deferred' },
    );
    expect(deferred.contact).toBeNull();
    expect(deferred.emails).toEqual([]);
    expect(deferred.deferred).toEqual([
      expect.objectContaining({ eventId: confirmedId, template: 'order-confirmed' }),
    ]);

    const placedId = await publishPlaced(orderId, email);
    await sink.waitFor((m) => m.messageId === messageId(placedId, email));
    const confirmed = await sink.waitFor((m) => m.messageId === messageId(confirmedId, email));
    expect(confirmed.subject).toBe(`Your order ${orderId} is confirmed`);
    const settled = await allSent(orderId, 2);
    expect(settled.deferred).toEqual([]);
    expect(mailsTo(email)).toHaveLength(2);
  });

  it('answers 404 for an order it never heard of', async () => {
    const { status } = await history(`o-${randomUUID()}`);
    expect(status).toBe(404);
  });

  it('keeps consuming while the mail server is down and delivers once it is back, once', async () => {
    const port = sink.port;
    await sink.close();
    const orderId = `o-${randomUUID()}`;
    const email = `dee-${orderId}@example.com`;
    const placedId = await publishPlaced(orderId, email);
    const dedupeKey = `${placedId}:${email}`;

    // Consumption goes on (the request is stored) and the send job fails and backs off.
    await eventually(
      async () => {
        const job = await world.db
          .selectFrom('deadlines')
          .select(['attempts', 'fired_at', 'last_error'])
          .where('kind', '=', 'email.send')
          .where('key', '=', dedupeKey)
          .executeTakeFirst();
        return job && job.attempts >= 1 && job.fired_at === null ? job : undefined;
      },
      { description: 'a failed attempt of the send job' },
    );
    expect((await history(orderId)).body.emails).toEqual([
      expect.objectContaining({ dedupeKey, status: 'pending', sentAt: null }),
    ]);

    sink = await startSmtpSink({ port });
    const mail = await sink.waitFor((m) => m.messageId === messageId(placedId, email), 30_000);
    expect(mail.subject).toBe(`We received your order ${orderId}`);
    await allSent(orderId, 1);
    expect(mailsWith(messageId(placedId, email))).toHaveLength(1);
  });
});
