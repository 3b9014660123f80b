import type { Cause } from '@acme/messaging';
import { adminRole, badRequest, RequestCause, RequireRole, validation } from '@acme/service';
import { Body, Controller, HttpCode, Inject, Injectable, Post, type PipeTransform } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { StockService, type StockLevel } from '../application/stock.service.js';
import { InventoryValidationError } from '../domain/index.js';
import { addStockBody, addStockSchemaFor, type AddStockBody } from './stock.schemas.js';

/** The platform's validation (same 400 shape), against the body shape the request chose. */
@Injectable()
class AddStockValidation implements PipeTransform {
  transform(body: unknown): Promise<unknown> {
    return validation.transform(body, { type: 'body', schema: addStockSchemaFor(body) });
  }
}

/** Stock administration. Everything under /admin is for operators (seeding, restock): admin role. */
@ApiTags('admin')
@RequireRole(adminRole)
@Controller('admin/stock')
export class AdminStockController {
  constructor(@Inject(StockService) private readonly stock: StockService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add stock to one SKU or several',
    description:
      "Body `{ sku, quantity, name? }` answers the SKU's figures; `{ items: [...] }` (1–100) adds all " +
      'or none and answers `{ items: [figures…] }`. Each addition publishes ' +
      '`com.acme.inventory.stock-added.v1` (subject = sku) — how the order service learns the SKU exists.',
  })
  @ApiBody({ schema: z.toJSONSchema(addStockBody, { target: 'openapi-3.0' }) as object })
  @ApiCreatedResponse({ description: '{ sku, name, onHand, reserved, available } (or { items: [...] })' })
  @ApiBadRequestResponse({
    description: 'Invalid input: { statusCode, error, message, errors: [{ field, message }] }',
  })
  async add(
    @Body(AddStockValidation) body: AddStockBody,
    @RequestCause() cause: Cause,
  ): Promise<StockLevel | { items: StockLevel[] }> {
    const batch = 'items' in body;
    try {
      const levels = await this.stock.add(batch ? body.items : [body], cause);
      if (batch) return { items: levels };
      const [level] = levels;
      if (!level) throw new Error(`no stock figures for ${body.sku} after adding to it`);
      return level;
    } catch (error) {
      if (!(error instanceof InventoryValidationError)) throw error;
      // The service names fields `items.<i>.<field>`; a single-item body has no `items`.
      const errors = batch
        ? [...error.errors]
        : error.errors.map((e) => ({ ...e, field: e.field.replace(/^items\.0\./, '') }));
      throw badRequest('invalid stock', errors);
    }
  }
}
