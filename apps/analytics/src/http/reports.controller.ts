import { adminRole, RequireRole, ValidQuery } from '@acme/service';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_MODEL, type ReadModel } from '../analytics.tokens.js';
import {
  maxBuckets,
  outcomeReport,
  salesReport,
  type OutcomeReport,
  type SalesReport,
} from '../read-model/queries/index.js';
import { outcomesQuery, salesQuery, type OutcomesQuery, type SalesQuery } from './query.schemas.js';

const badRequest = 'Invalid query: { statusCode, error, message, errors: [{ field, message }] }';

/** Aggregates over the read model: sales over time and how the order sagas end. */
@ApiTags('reports')
@RequireRole(adminRole)
@Controller()
export class ReportsController {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  @Get('sales')
  @ApiOperation({
    summary: 'Sales per minute, hour or day, and the best-selling products of the range',
    description:
      `from and to (ISO 8601, required; from inclusive, to exclusive), bucket minute|hour|day (default minute, ` +
      `at most ${maxBuckets} buckets), currency (optional). Buckets without data are left out. ` +
      'Each figure counts at its event’s own time: placements at placedAt, revenue at confirmedAt, refunds at refundedAt.',
  })
  @ApiOkResponse({
    description:
      '{ bucket, from, to, series: [{ start, currency, placed, confirmed, cancelled, revenueMinor, refundedMinor, netMinor }], ' +
      'products: [{ sku, currency, units, revenueMinor, orders }] }',
  })
  @ApiBadRequestResponse({ description: badRequest })
  async sales(@ValidQuery(salesQuery) query: SalesQuery): Promise<SalesReport> {
    return salesReport(this.readModel.db, this.readModel.schema(), query);
  }

  @Get('outcomes')
  @ApiOperation({
    summary: 'How the order sagas ended: by status, by cancellation reason, and how long they took',
    description: 'Optionally only orders placed in [from, to) (ISO 8601).',
  })
  @ApiOkResponse({
    description:
      '{ orders, byStatus: { placed, reserved, confirmed, shipped, cancelled, unknown }, confirmed, ' +
      'cancelled: { total, byReason }, inFlight, durationMs: { count, p50, p90, p99, max } | null }',
  })
  @ApiBadRequestResponse({ description: badRequest })
  async outcomes(@ValidQuery(outcomesQuery) query: OutcomesQuery): Promise<OutcomeReport> {
    return outcomeReport(this.readModel.db, this.readModel.schema(), query);
  }
}
