import {
  evolveReservation,
  initialReservationState,
  reservationDecider,
  reservationStreamId,
  type ReservationEvent,
} from '../../src/domain/index.js';
import { at, reservationSpec } from './fixtures.js';

const lines = [
  { sku: 'A', quantity: 2 },
  { sku: 'B', quantity: 1 },
];
const shortages = [{ sku: 'A', requested: 2, available: 1 }];
const metadata = (now: number) => ({ now });

const recordReservation = {
  type: 'RecordReservation',
  data: { orderId: 'o1', lines },
  metadata: metadata(at(1)),
} as const;
const recordRefusal = {
  type: 'RecordRefusal',
  data: { orderId: 'o1', shortages },
  metadata: metadata(at(1)),
} as const;
const recordRelease = { type: 'RecordRelease', data: { orderId: 'o1' }, metadata: metadata(at(2)) } as const;

const made: ReservationEvent = { type: 'ReservationMade', data: { orderId: 'o1', lines, reservedAt: at(1) } };
const refused: ReservationEvent = {
  type: 'ReservationRefused',
  data: { orderId: 'o1', shortages, refusedAt: at(1) },
};
const released: ReservationEvent = {
  type: 'ReservationReleased',
  data: { orderId: 'o1', lines, releasedAt: at(2) },
};
const tombstone: ReservationEvent = {
  type: 'ReservationReleased',
  data: { orderId: 'o1', lines: [], releasedAt: at(2) },
};

describe('order reservation record', () => {
  it('records the first answer', () => {
    reservationSpec.given([]).when(recordReservation).then([made]);
    reservationSpec.given([]).when(recordRefusal).then([refused]);
  });

  it.each([
    ['reserved', [made]],
    ['refused', [refused]],
    ['released', [made, released]],
    ['cancelled before it was answered', [tombstone]],
  ])('keeps the first answer when the order was %s', (_state, history) => {
    reservationSpec.given(history).when(recordReservation).thenNothing();
    reservationSpec.given(history).when(recordRefusal).thenNothing();
  });

  it('releases what was reserved', () => {
    reservationSpec.given([made]).when(recordRelease).then([released]);
  });

  it('leaves a tombstone when the cancellation overtook the placement', () => {
    reservationSpec.given([]).when(recordRelease).then([tombstone]);
  });

  it.each([
    ['refused', [refused]],
    ['released', [made, released]],
    ['a tombstone', [tombstone]],
  ])('releases nothing when it is %s', (_state, history) => {
    reservationSpec.given(history).when(recordRelease).thenNothing();
  });

  it('shows the answer in its state', () => {
    const fold = (events: ReservationEvent[]) => events.reduce(evolveReservation, initialReservationState());
    expect(fold([])).toEqual({ status: 'none' });
    expect(fold([made])).toEqual({ status: 'reserved', orderId: 'o1', lines, reservedAt: at(1) });
    expect(fold([refused])).toEqual({ status: 'refused', orderId: 'o1', shortages, refusedAt: at(1) });
    expect(fold([made, released])).toEqual({ status: 'released', orderId: 'o1', lines, releasedAt: at(2) });
  });

  it('has its own stream per order', () => {
    expect(reservationDecider.streamType).toBe('reservation');
    expect(reservationStreamId('o1')).toBe('reservation-o1');
  });
});
