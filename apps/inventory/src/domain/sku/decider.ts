import type { Decider } from '@acme/event-store';
import type { SkuCommand } from './commands.js';
import { decideSku } from './decide.js';
import { skuEventTypes, type SkuEvent } from './events.js';
import { evolveSku, initialSkuState, type SkuState } from './state.js';

/**
 * One SKU per stream (`skuStreamId(sku)`). A popular SKU's stream grows with every order, so its
 * state is snapshotted.
 *
 * @example
 *   await handleCommand(db, {
 *     decider: skuDecider,
 *     streamId: skuStreamId('SKU-1'),
 *     command: { type: 'AddStock', data: { sku: 'SKU-1', quantity: 50 }, metadata: { now: Date.now() } },
 *   });
 */
export const skuDecider: Decider<SkuState, SkuCommand, SkuEvent> = {
  streamType: 'sku',
  eventTypes: skuEventTypes,
  initialState: initialSkuState,
  evolve: evolveSku,
  decide: decideSku,
  snapshot: { every: 100, schemaVersion: 1 },
};

export const skuStreamId = (sku: string): string => `sku-${sku}`;
