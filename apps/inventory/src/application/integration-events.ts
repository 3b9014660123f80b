import type { EventDataByType } from '@acme/contracts';
import type { Cause, OutgoingEvent } from '@acme/messaging';
import type { ReservationEvent } from '../domain/index.js';

/** The integration events inventory publishes (their schemas are registered at start-up). */
export const inventoryPublishes = [
  'com.acme.inventory.stock-added.v1',
  'com.acme.inventory.stock-reserved.v1',
  'com.acme.inventory.stock-insufficient.v1',
  'com.acme.inventory.stock-released.v1',
] as const satisfies readonly (keyof EventDataByType)[];

type Published = (typeof inventoryPublishes)[number];

function event<T extends Published>(
  type: T,
  subject: string,
  data: EventDataByType[T],
  cause: Cause,
): OutgoingEvent {
  return { type, subject, data, cause };
}

export function stockAdded(
  data: EventDataByType['com.acme.inventory.stock-added.v1'],
  cause: Cause,
): OutgoingEvent {
  return event('com.acme.inventory.stock-added.v1', data.sku, data, cause);
}

/**
 * The public answer to an order, from its reservation stream's new events: ReservationMade →
 * stock-reserved, ReservationRefused → stock-insufficient, ReservationReleased with lines →
 * stock-released (a release of nothing — a tombstone — publishes nothing). Subject = order id.
 */
export function reservationAnswers(events: readonly ReservationEvent[], cause: Cause): OutgoingEvent[] {
  return events.flatMap((e): OutgoingEvent[] => {
    const { orderId } = e.data;
    switch (e.type) {
      case 'ReservationMade':
        return [
          event(
            'com.acme.inventory.stock-reserved.v1',
            orderId,
            { orderId, lines: e.data.lines.map(copyLine), reservedAt: e.data.reservedAt },
            cause,
          ),
        ];
      case 'ReservationRefused':
        return [
          event(
            'com.acme.inventory.stock-insufficient.v1',
            orderId,
            { orderId, shortages: e.data.shortages.map((s) => ({ ...s })) },
            cause,
          ),
        ];
      case 'ReservationReleased':
        if (e.data.lines.length === 0) return [];
        return [
          event(
            'com.acme.inventory.stock-released.v1',
            orderId,
            { orderId, lines: e.data.lines.map(copyLine), releasedAt: e.data.releasedAt },
            cause,
          ),
        ];
    }
  });
}

const copyLine = ({ sku, quantity }: { sku: string; quantity: number }) => ({ sku, quantity });
