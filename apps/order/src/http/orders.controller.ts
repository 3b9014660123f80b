import type { Cause } from '@acme/messaging';
import {
  adminRole,
  badRequest,
  DATABASE,
  hasRole,
  Principal,
  RateLimited,
  RequestCause,
  RequireRole,
  ValidBody,
  ValidQuery,
} from '@acme/service';
import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { OrderCommands, type OrderOutcome } from '../application/order-commands.js';
import { findOrder } from '../application/order-queries.js';
import { PlaceOrderHandler } from '../application/place-order.js';
import type { OrderCommand } from '../domain/index.js';
import type { OrderDatabase } from '../infrastructure/database.js';
import { OrderErrorsFilter } from './order-errors.filter.js';
import {
  idempotencyKeyHeader,
  orderQuery,
  placeOrderBody,
  type OrderQuery,
  type PlaceOrderBody,
} from './order.schemas.js';
import { historyView, orderView } from './order.view.js';

/**
 * Customers place, read and cancel their own orders (the customer is the token's subject); an
 * admin may read and cancel any order and is the only one who ships. Someone else's order answers
 * 404, exactly like a missing one: its existence is not revealed.
 */
@ApiTags('orders')
@Controller('orders')
@UseFilters(OrderErrorsFilter)
export class OrdersController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<OrderDatabase>,
    @Inject(PlaceOrderHandler) private readonly placing: PlaceOrderHandler,
    @Inject(OrderCommands) private readonly commands: OrderCommands,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Validates the order and its SKUs (against the catalogue learned from inventory), then stores ' +
      'OrderPlaced, publishes com.acme.order.placed.v2 and starts the order deadline in one transaction. ' +
      'With an Idempotency-Key, a retry of the same request answers 200 with the same order (as it is now); ' +
      "the same key with a different request answers 409. The customer is the bearer token's subject " +
      '(a body naming customerId is refused). Rate-limited per customer (ORDER_RATE_LIMIT per ORDER_RATE_WINDOW_MS).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retries of this request safe.' })
  @ApiResponse({ status: 201, description: 'Order placed: { orderId, status: "placed", version, … }' })
  @ApiResponse({ status: 200, description: 'Replay of an earlier request with the same Idempotency-Key' })
  @ApiResponse({ status: 400, description: 'Invalid request: errors[] names each field (e.g. lines.0.sku)' })
  @ApiResponse({ status: 409, description: 'Idempotency-Key already used for a different order' })
  @ApiTooManyRequestsResponse({ description: 'Too many orders from this customer; see Retry-After (s)' })
  @RateLimited()
  async place(
    @ValidBody(placeOrderBody) body: PlaceOrderBody,
    @Principal() caller: Principal,
    @Headers('idempotency-key') rawKey: string | undefined,
    @RequestCause() cause: Cause,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ) {
    const key = idempotencyKeyHeader.safeParse(rawKey);
    if (!key.success)
      throw badRequest('invalid request', [
        { field: 'Idempotency-Key', message: key.error.issues[0]?.message ?? 'invalid' },
      ]);
    const { outcome, created } = await this.placing.place(
      { ...body, customerId: caller.subject },
      key.data,
      cause,
    );
    if (!created) response.status(200);
    return view(outcome);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'An order, with its history',
    description:
      'The order folded from its event stream, and the events themselves. Time travel: ?asOfVersion=N ' +
      '(the order right after its N-th event) or ?asOf=<ISO 8601 timestamp>.',
  })
  @ApiResponse({
    status: 200,
    description: '{ orderId, status, version, …state, history: [{ version, type, data, recordedAt }] }',
  })
  @ApiResponse({ status: 400, description: 'Invalid asOfVersion / asOf' })
  @ApiResponse({ status: 404, description: 'No such order (at that point in time)' })
  async get(
    @Param('id') orderId: string,
    @ValidQuery(orderQuery) query: OrderQuery,
    @Principal() caller: Principal,
  ) {
    const found = await findOrder(this.db, orderId, query);
    if (!found || !mayAccess(caller, found.order.customer.id))
      throw new NotFoundException(`no order ${orderId}`);
    return { ...orderView(found.order, found.version), history: historyView(found.history) };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an order (customer request)',
    description:
      'Allowed until the order ships; inventory releases and payment refunds when they see ' +
      'com.acme.order.cancelled.v1 (reason CUSTOMER_REQUEST). Cancelling a cancelled order changes nothing.',
  })
  @ApiResponse({ status: 200, description: 'The order, now cancelled' })
  @ApiResponse({ status: 404, description: 'No such order' })
  @ApiResponse({ status: 409, description: 'The order has shipped' })
  async cancel(@Param('id') orderId: string, @RequestCause() cause: Cause, @Principal() caller: Principal) {
    // The customer never changes, so checking it before the command cannot race with the command.
    const found = await findOrder(this.db, orderId);
    if (found && !mayAccess(caller, found.order.customer.id))
      throw new NotFoundException(`no order ${orderId}`);
    return this.run(
      orderId,
      { type: 'CancelOrder', data: { reason: 'customer' }, metadata: { now: Date.now() } },
      cause,
    );
  }

  @Post(':id/ship')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ship a confirmed order',
    description: 'Publishes com.acme.order.shipped.v1. Shipping a shipped order changes nothing.',
  })
  @ApiResponse({ status: 200, description: 'The order, now shipped' })
  @ApiResponse({ status: 404, description: 'No such order' })
  @ApiResponse({ status: 409, description: 'The order is not confirmed (its status is in the body)' })
  @RequireRole(adminRole)
  async ship(@Param('id') orderId: string, @RequestCause() cause: Cause) {
    return this.run(orderId, { type: 'ShipOrder', data: {}, metadata: { now: Date.now() } }, cause);
  }

  private async run(orderId: string, command: OrderCommand, cause: Cause) {
    return view(await this.commands.execute(this.db, orderId, command, cause));
  }
}

/** The owning customer, or an admin. */
const mayAccess = (caller: Principal, customerId: string): boolean =>
  caller.subject === customerId || hasRole(caller, adminRole);

function view(outcome: OrderOutcome) {
  // A command that found its order (or placed it) always leaves a state with an order in it.
  if (outcome.state.status === 'none') throw new Error('unreachable: command outcome without an order');
  return orderView(outcome.state, outcome.nextExpectedVersion);
}
