import type { Cause } from '@acme/messaging';
import { GroupCommit } from '@acme/postgres';
import { CONFIG, DATABASE } from '@acme/service';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { OrderConfig } from '../config.js';
import {
  OrderValidationError,
  validatePlaceOrder,
  type FieldError,
  type PlaceOrder,
} from '../domain/index.js';
import { KnownSkus } from '../infrastructure/catalogue.repository.js';
import type { OrderDatabase } from '../infrastructure/database.js';
import { OrderCommands, type OrderCommandItem, type OrderOutcome } from './order-commands.js';
import { newOrderId } from './order-id.js';

export interface PlaceOrderRequest {
  customerId: string;
  customerEmail: string;
  customerName?: string | null | undefined;
  lines: readonly { sku: string; quantity: number; unitPriceMinor: number }[];
  currency: string;
  paymentToken: string;
}

export interface PlaceOrderResult {
  outcome: OrderOutcome;
  /** False when the request repeated an earlier one (same Idempotency-Key and content). */
  created: boolean;
}

/**
 * POST /orders: the domain's validation and the local catalogue are checked before anything is
 * written, so a rejected request leaves no trace. Then OrderPlaced, placed.v2 in the outbox and
 * the deadline commit together — with those of the other orders being placed meanwhile (group
 * commit: one transaction and a few set-based statements for the whole group, each request
 * answered as if alone; a group that fails is placed request by request).
 */
@Injectable()
export class PlaceOrderHandler {
  private readonly catalogue: KnownSkus;
  private readonly placing: GroupCommit<OrderCommandItem, OrderOutcome>;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<OrderDatabase>,
    @Inject(CONFIG) private readonly config: OrderConfig,
    @Inject(OrderCommands) private readonly commands: OrderCommands,
  ) {
    this.catalogue = new KnownSkus(db);
    this.placing = new GroupCommit({
      maxSize: config.ORDER_PLACE_GROUP_MAX,
      together: (items) => db.transaction().execute((tx) => commands.executeMany(tx, items)),
      alone: ({ orderId, command, cause }) => commands.execute(db, orderId, command, cause),
    });
  }

  async place(
    request: PlaceOrderRequest,
    idempotencyKey: string | undefined,
    cause: Cause,
  ): Promise<PlaceOrderResult> {
    const now = Date.now();
    const command: PlaceOrder = {
      type: 'PlaceOrder',
      data: {
        orderId: newOrderId(request.customerId, idempotencyKey),
        customer: {
          id: request.customerId,
          email: request.customerEmail,
          name: request.customerName ?? null,
        },
        lines: request.lines,
        currency: request.currency,
        paymentToken: request.paymentToken,
        deadlineAt: now + this.config.ORDER_DEADLINE_MS,
      },
      metadata: { now },
    };
    const invalid = validatePlaceOrder(command.data, now);
    const errors = [...invalid, ...(await this.uncatalogued(command.data.lines, invalid))];
    if (errors.length > 0) throw new OrderValidationError(errors);
    const outcome = await this.placing.submit({ orderId: command.data.orderId, command, cause });
    return { outcome, created: outcome.events.length > 0 };
  }

  /**
   * Lines naming a SKU inventory never announced, named as the domain's validation names fields.
   * A SKU the validation already refused (empty, too long, repeated) is not looked up.
   */
  private async uncatalogued(
    lines: PlaceOrder['data']['lines'],
    invalid: readonly FieldError[],
  ): Promise<FieldError[]> {
    const refused = new Set(invalid.map((error) => error.field));
    const candidates = lines.flatMap((line, i) => (refused.has(skuField(i)) ? [] : [{ sku: line.sku, i }]));
    const unknown = await this.catalogue.unknown([...new Set(candidates.map(({ sku }) => sku))]);
    return candidates
      .filter(({ sku }) => unknown.has(sku))
      .map(({ sku, i }) => ({ field: skuField(i), message: `unknown SKU ${JSON.stringify(sku)}` }));
  }
}

const skuField = (line: number): string => `lines[${line}].sku`;
