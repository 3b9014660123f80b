import type { Kysely } from 'kysely';
import type { AnalyticsDatabase } from '../tables.js';
import { causalOrder, serviceOf, traceIdOf } from './causal-order.js';
import { ms } from './convert.js';

export interface TimelineEvent {
  eventId: string;
  type: string;
  /** The emitting service, from the CloudEvents source (`/acme/payment` → `payment`). */
  service: string;
  occurredAt: string;
  causationId: string | null;
  /** The event id of the cause when the cause is in this timeline, else null (a command, say). */
  causedBy: string | null;
  sinceCauseMs: number | null;
  /** Since the order's OrderPlaced; null when that is not in the timeline yet. */
  sincePlacedMs: number | null;
  traceId: string | null;
  traceUrl: string | null;
  data: Record<string, unknown>;
}

export interface Timeline {
  orderId: string;
  /** Usually one: everything the placing request caused; a customer's cancel request adds another. */
  correlationIds: string[];
  events: TimelineEvent[];
}

const placedTypes = new Set(['com.acme.order.placed.v2', 'com.acme.order.placed.v1']);

/**
 * Every event about an order in causal order (a cause before its effects, then by time), with the
 * hop times between them and a link to each one's trace; undefined when no event of it was seen.
 *
 * @example
 *   const t = await getTimeline(db, schema, orderId, { traceUrl: (id) => `${jaeger}/trace/${id}` });
 */
export async function getTimeline(
  db: Kysely<AnalyticsDatabase>,
  schema: string,
  orderId: string,
  options: { traceUrl?: (traceId: string) => string } = {},
): Promise<Timeline | undefined> {
  const rows = await db
    .withSchema(schema)
    .selectFrom('order_events')
    .select([
      'event_id',
      'type',
      'source',
      'occurred_at',
      'causation_id',
      'correlation_id',
      'traceparent',
      'data',
    ])
    .where('order_id', '=', orderId)
    .orderBy('occurred_at')
    .orderBy('event_id')
    .execute();
  if (rows.length === 0) return undefined;
  const nodes = rows.map((r) => ({
    eventId: r.event_id,
    causationId: r.causation_id,
    occurredAt: new Date(r.occurred_at),
    row: r,
  }));
  const at = new Map(nodes.map((n) => [n.eventId, n.occurredAt.getTime()]));
  const placed = nodes.find((n) => placedTypes.has(n.row.type));
  const correlationIds = [...new Set(rows.flatMap((r) => (r.correlation_id ? [r.correlation_id] : [])))];
  return {
    orderId,
    correlationIds,
    events: causalOrder(nodes).map(({ eventId, causationId, occurredAt, row }) => {
      const causeAt = causationId !== null && causationId !== eventId ? at.get(causationId) : undefined;
      const traceId = traceIdOf(row.traceparent);
      return {
        eventId,
        type: row.type,
        service: serviceOf(row.source),
        occurredAt: occurredAt.toISOString(),
        causationId,
        causedBy: causeAt === undefined ? null : causationId,
        sinceCauseMs: causeAt === undefined ? null : occurredAt.getTime() - causeAt,
        sincePlacedMs: placed ? occurredAt.getTime() - ms(placed.occurredAt) : null,
        traceId,
        traceUrl: traceId && options.traceUrl ? options.traceUrl(traceId) : null,
        data: row.data,
      };
    }),
  };
}
