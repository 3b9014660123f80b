import type { RecordedEvent } from '@acme/event-store';
import { scheduleMany } from '@acme/scheduler';
import type { Transaction } from 'kysely';
import type { NotificationEvent } from '../domain/index.js';

/** The deadline kind of "send this e-mail". */
export const EMAIL_SEND = 'email.send';

/** What an `email.send` job carries: where the request lives; the stream holds the rest. */
export interface EmailJob {
  orderId: string;
  dedupeKey: string;
  /** Of the order event that caused the e-mail: carried on to the send's log and `NotificationSent`. */
  correlationId: string;
}

/**
 * A durable "send" job, due now, for every e-mail the decider just requested (for each order, its
 * new events) — in the caller's transaction, so the job exists if and only if the request was
 * stored; one statement for all. The job's key is the e-mail's dedupe key: (kind, key) is unique,
 * so a request can never get two jobs.
 */
export async function scheduleRequestedEmails(
  tx: Transaction<unknown>,
  orders: readonly { orderId: string; events: readonly RecordedEvent<NotificationEvent>[] }[],
  now: number,
): Promise<void> {
  const jobs = orders.flatMap(({ orderId, events }) =>
    events.flatMap((event): EmailJob[] =>
      event.type === 'NotificationRequested'
        ? [{ orderId, dedupeKey: event.data.dedupeKey, correlationId: event.metadata.correlationId }]
        : [],
    ),
  );
  await scheduleMany(
    tx,
    jobs.map((job) => ({ kind: EMAIL_SEND, key: job.dedupeKey, dueAt: new Date(now), payload: { ...job } })),
  );
}

/** The job of a deadline's payload; throws when it is not one (a bug: only this app writes them). */
export function emailJobOf(payload: unknown): EmailJob {
  if (typeof payload === 'object' && payload !== null) {
    const { orderId, dedupeKey, correlationId } = payload as Record<string, unknown>;
    if (typeof orderId === 'string' && typeof dedupeKey === 'string' && typeof correlationId === 'string')
      return { orderId, dedupeKey, correlationId };
  }
  throw new Error(`not an ${EMAIL_SEND} payload: ${JSON.stringify(payload)}`);
}
