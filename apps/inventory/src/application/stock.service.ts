import { withConflictRetry } from '@acme/event-store';
import type { Cause, OutgoingEvent } from '@acme/messaging';
import { DATABASE, OUTBOX, type Outbox } from '@acme/service';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InventoryValidationError, skuDecider, type FieldError } from '../domain/index.js';
import type { InventoryDatabase } from '../infrastructure/database.js';
import { lockSkus } from '../infrastructure/sku-locks.js';
import { appendSkus, loadSkus } from '../infrastructure/sku-streams.js';
import type { StockLevelRow } from '../infrastructure/stock-levels.table.js';
import { stockAdded } from './integration-events.js';
import { INVENTORY_OPTIONS, type InventoryOptions } from './inventory.tokens.js';

/** A SKU's figures as the API shows them. */
export interface StockLevel {
  sku: string;
  name: string | null;
  onHand: number;
  reserved: number;
  available: number;
}

export interface StockToAdd {
  sku: string;
  quantity: number;
  name?: string | undefined;
}

/** The contracts carry quantities as Avro `int`: on hand must stay within it to be published. */
const maxOnHand = 2_147_483_647;

/**
 * Adding stock (admin endpoint, CLI) and reading the figures.
 *
 * Reads come from `stock_levels`, a projection written in the same transaction as every SKU
 * append, rather than from the streams: listing every SKU would otherwise mean finding and folding
 * every SKU stream (each holding one event per order ever reserved) on each request, and the
 * table can never lag behind the streams it mirrors.
 */
@Injectable()
export class StockService {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<InventoryDatabase>,
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(INVENTORY_OPTIONS) private readonly options: InventoryOptions,
  ) {}

  /**
   * Add every item or none, in one transaction: a StockAdded on each `sku-<sku>` stream and a
   * `stock-added.v1` per item in the outbox. Throws `InventoryValidationError` (fields
   * `items.<i>.<field>`) when an item breaks a rule that needs the current stock to check.
   */
  async add(items: readonly StockToAdd[], cause: Cause): Promise<StockLevel[]> {
    const now = Date.now();
    const appendCause = { correlationId: cause.correlationId, causationId: cause.causationId };
    return withConflictRetry(
      this.db,
      async (tx) => {
        const skus = items.map((item) => item.sku);
        if (this.options.skuLocks) await lockSkus(tx, skus);
        const loaded = await loadSkus(tx, skus);
        const errors: FieldError[] = [];
        const published: OutgoingEvent[] = [];
        // SKU order, as every transaction here appends (stable: repeats of a SKU keep their order).
        const order = items
          .map((item, index) => ({ item, index }))
          .sort((a, b) => compare(a.item.sku, b.item.sku));
        for (const { item, index } of order) {
          const before = loaded.get(item.sku) ?? { state: skuDecider.initialState(), version: 0 };
          const prefix = `items.${index}.`;
          if (before.state.onHand + item.quantity > maxOnHand) {
            errors.push({
              field: `${prefix}quantity`,
              message: `would take the stock on hand beyond ${maxOnHand}`,
            });
            continue;
          }
          let events;
          try {
            events = skuDecider.decide(
              { type: 'AddStock', data: { sku: item.sku, quantity: item.quantity }, metadata: { now } },
              before.state,
            );
          } catch (error) {
            if (!(error instanceof InventoryValidationError)) throw error;
            errors.push(...error.errors.map((e) => ({ field: prefix + e.field, message: e.message })));
            continue;
          }
          const names = item.name === undefined ? undefined : new Map([[item.sku, item.name]]);
          await appendSkus(tx, [{ sku: item.sku, events }], loaded, appendCause, names);
          const onHand = loaded.get(item.sku)?.state.onHand ?? 0;
          published.push(stockAdded({ sku: item.sku, quantity: item.quantity, onHand, addedAt: now }, cause));
        }
        // Thrown inside the transaction: the appends made so far roll back with it.
        if (errors.length > 0) throw new InventoryValidationError(errors);
        await this.outbox.publish(tx, published);
        const levels = await this.levelsIn(tx, [...new Set(skus)]);
        return items.map((item) => levels.get(item.sku)).filter((l): l is StockLevel => l !== undefined);
      },
      { what: 'admin stock', maxAttempts: this.options.conflictAttempts },
    );
  }

  async get(sku: string): Promise<StockLevel | undefined> {
    const row = await this.db
      .selectFrom('stock_levels')
      .selectAll()
      .where('sku', '=', sku)
      .executeTakeFirst();
    return row && toLevel(row);
  }

  /** Every SKU, by SKU. */
  async list(): Promise<StockLevel[]> {
    const rows = await this.db.selectFrom('stock_levels').selectAll().orderBy('sku').execute();
    return rows.map(toLevel);
  }

  private async levelsIn(db: Kysely<unknown>, skus: readonly string[]): Promise<Map<string, StockLevel>> {
    const rows = await (db as Kysely<InventoryDatabase>)
      .selectFrom('stock_levels')
      .selectAll()
      .where('sku', 'in', skus)
      .execute();
    return new Map(rows.map((row) => [row.sku, toLevel(row)]));
  }
}

function toLevel(row: StockLevelRow): StockLevel {
  const onHand = Number(row.on_hand);
  const reserved = Number(row.reserved);
  return { sku: row.sku, name: row.name, onHand, reserved, available: onHand - reserved };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
