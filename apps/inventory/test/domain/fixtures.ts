// Builders for inventory's commands and events.
import { deciderSpec } from '@acme/testing/decider-spec';
import {
  evolveSku,
  initialSkuState,
  reservationDecider,
  skuDecider,
  type SkuEvent,
  type SkuState,
} from '../../src/domain/index.js';

export const skuSpec = deciderSpec(skuDecider);
export const reservationSpec = deciderSpec(reservationDecider);

export const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const at = (m: number): number => t0 + m * 60_000;

export const addStock = (sku: string, quantity: number, now = t0) =>
  ({ type: 'AddStock', data: { sku, quantity }, metadata: { now } }) as const;
export const reserveStock = (sku: string, orderId: string, quantity: number, now = at(1)) =>
  ({ type: 'ReserveStock', data: { sku, orderId, quantity }, metadata: { now } }) as const;
export const releaseStock = (sku: string, orderId: string, now = at(2)) =>
  ({ type: 'ReleaseStock', data: { sku, orderId }, metadata: { now } }) as const;

export const stockAdded = (sku: string, quantity: number, addedAt = t0): SkuEvent => ({
  type: 'StockAdded',
  data: { sku, quantity, addedAt },
});
export const stockReserved = (
  sku: string,
  orderId: string,
  quantity: number,
  reservedAt = at(1),
): SkuEvent => ({
  type: 'StockReserved',
  data: { sku, orderId, quantity, reservedAt },
});
export const stockReleased = (
  sku: string,
  orderId: string,
  quantity: number,
  releasedAt = at(2),
): SkuEvent => ({
  type: 'StockReleased',
  data: { sku, orderId, quantity, releasedAt },
});

export const skuState = (events: readonly SkuEvent[]): SkuState =>
  events.reduce(evolveSku, initialSkuState());
