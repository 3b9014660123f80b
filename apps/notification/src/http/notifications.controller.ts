import { adminRole, badRequest, DATABASE, RequireRole } from '@acme/service';
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Kysely } from 'kysely';
import { notificationHistory, type NotificationHistory } from '../application/notification-history.js';

const MAX_ORDER_ID = 200;

/** Read-only support view: what was sent and what is still pending for an order (admin role). */
@ApiTags('notifications')
@RequireRole(adminRole)
@Controller('notifications')
export class NotificationsController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<unknown>) {}

  @Get(':orderId')
  @ApiOperation({ summary: "An order's e-mails: sent, pending, and facts waiting for the contact" })
  @ApiOkResponse({ description: 'The history' })
  @ApiBadRequestResponse({ description: 'An empty or over-long order id' })
  @ApiNotFoundResponse({ description: 'No e-mail was ever about this order' })
  async history(@Param('orderId') orderId: string): Promise<NotificationHistory> {
    if (orderId.trim() === '' || orderId.length > MAX_ORDER_ID)
      throw badRequest('invalid request', [{ field: 'orderId', message: `1 to ${MAX_ORDER_ID} characters` }]);
    const history = await notificationHistory(this.db, orderId);
    if (!history) throw new NotFoundException(`no notifications for order ${orderId}`);
    return history;
  }
}
