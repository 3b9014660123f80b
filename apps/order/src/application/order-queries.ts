import { readStream, type Executor } from '@acme/event-store';
import { orderDecider, orderStreamId, type Order, type OrderEvent } from '../domain/index.js';

export interface OrderAsOf {
  /** The order right after this version of its stream. */
  asOfVersion?: number | undefined;
  /** The order as it was at this instant. */
  asOf?: Date | undefined;
}

export interface OrderHistoryEntry {
  version: number;
  type: OrderEvent['type'];
  data: OrderEvent['data'];
  recordedAt: Date;
}

export interface OrderSnapshot {
  order: Order;
  version: number;
  history: OrderHistoryEntry[];
}

/**
 * An order now or in the past, folded from its stream, with the events that made it. The stream is
 * the read model: an order has a handful of events, and reading it is never stale. Undefined when
 * no order with this id existed at that point.
 */
export async function findOrder(
  db: Executor,
  orderId: string,
  at: OrderAsOf = {},
): Promise<OrderSnapshot | undefined> {
  const stream = await readStream<OrderEvent>(db, orderStreamId(orderId), {
    ...(at.asOfVersion === undefined ? {} : { toVersion: at.asOfVersion }),
    upcast: orderDecider.upcast,
  });
  // `asOf` is compared here, not in SQL: Postgres records microseconds, a Date holds milliseconds,
  // so `recorded_at <= asOf` would leave out the very event whose `recordedAt` (as shown in the
  // history) a client passes back. Compared in milliseconds, that event is in.
  const asOf = at.asOf?.getTime();
  const events = asOf === undefined ? stream : stream.filter((event) => event.recordedAt.getTime() <= asOf);
  const state = events.reduce((s, event) => orderDecider.evolve(s, event), orderDecider.initialState());
  const last = events.at(-1);
  if (state.status === 'none' || last === undefined) return undefined;
  return {
    order: state,
    version: last.version,
    history: events.map(({ version, type, data, recordedAt }) => ({ version, type, data, recordedAt })),
  };
}
