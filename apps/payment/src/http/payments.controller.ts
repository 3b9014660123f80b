import { adminRole, DATABASE, RequireRole } from '@acme/service';
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { findPayment, type PaymentView } from '../application/payment-view.js';
import type { PaymentTables } from '../infrastructure/tables.js';

/** Support view of payments: operators only (admin role). */
@ApiTags('payments')
@RequireRole(adminRole)
@Controller('payments')
export class PaymentsController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<PaymentTables>) {}

  @Get(':orderId')
  @ApiOperation({
    summary: 'The payment of an order: its status, ids, amount and cancellation (support, tests)',
  })
  @ApiResponse({
    status: 200,
    description:
      'status: none | deferred | requested | pending | charged | declined | refund-requested | refunded',
  })
  @ApiResponse({ status: 404, description: 'Nothing is known about this order.' })
  async get(@Param('orderId') orderId: string): Promise<PaymentView> {
    const payment = await findPayment(this.db, orderId);
    if (!payment) throw new NotFoundException(`no payment is known for order ${orderId}`);
    return payment;
  }
}
