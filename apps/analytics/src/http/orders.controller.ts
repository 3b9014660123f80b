import { adminRole, CONFIG, RequireRole, ValidQuery } from '@acme/service';
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { READ_MODEL, type ReadModel } from '../analytics.tokens.js';
import type { AnalyticsConfig } from '../config.js';
import {
  getOrder,
  getTimeline,
  listOrders,
  type OrderDetail,
  type OrderPage,
  type Timeline,
} from '../read-model/queries/index.js';
import { listOrdersQuery, type ListOrdersQuery } from './query.schemas.js';

const badRequest = 'Invalid query: { statusCode, error, message, errors: [{ field, message }] }';

/**
 * The orders as the read model sees them (eventually consistent with the order service): every
 * customer's orders, so operators only (admin role).
 */
@ApiTags('orders')
@RequireRole(adminRole)
@Controller('orders')
export class OrdersQueryController {
  constructor(
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(CONFIG) private readonly config: Pick<AnalyticsConfig, 'JAEGER_UI_URL'>,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Orders, newest first, cursor-paged',
    description:
      'Filters: customerId, status (placed, reserved, confirmed, shipped, cancelled, unknown), ' +
      'from/to on placedAt (ISO 8601, from inclusive, to exclusive), limit 1–200 (default 50). ' +
      'Pass nextCursor back as cursor for the next page (null on the last one).',
  })
  @ApiOkResponse({
    description:
      '{ items: [{ orderId, customerId, status, currency, totalMinor, placedAt, terminalAt, cancelReason }], nextCursor }',
  })
  @ApiBadRequestResponse({ description: badRequest })
  async list(@ValidQuery(listOrdersQuery) query: ListOrdersQuery): Promise<OrderPage> {
    return listOrders(this.readModel.db, this.readModel.schema(), query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One order: every fact the read model has (customer, lines, stock, payment, outcome)',
  })
  @ApiOkResponse({ description: 'The order, timestamps in ISO 8601, amounts in minor units' })
  @ApiNotFoundResponse({ description: 'No event about this order was seen' })
  async get(@Param('id') orderId: string): Promise<OrderDetail> {
    const order = await getOrder(this.readModel.db, this.readModel.schema(), orderId);
    if (!order) throw new NotFoundException(`no order ${orderId}`);
    return order;
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary: "The order's events in causal order, with hop times and trace links",
    description:
      'Each event: eventId, type, service, occurredAt, causationId, causedBy (the cause when it is in ' +
      'this timeline), sinceCauseMs, sincePlacedMs, traceId and traceUrl (Jaeger).',
  })
  @ApiOkResponse({ description: '{ orderId, correlationIds, events: [...] }' })
  @ApiNotFoundResponse({ description: 'No event about this order was seen' })
  async timeline(@Param('id') orderId: string): Promise<Timeline> {
    // The config has no trailing slash on the URL.
    const timeline = await getTimeline(this.readModel.db, this.readModel.schema(), orderId, {
      traceUrl: (traceId) => `${this.config.JAEGER_UI_URL}/trace/${traceId}`,
    });
    if (!timeline) throw new NotFoundException(`no order ${orderId}`);
    return timeline;
  }
}
