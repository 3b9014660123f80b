import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StockService, type StockLevel } from '../application/stock.service.js';

/**
 * Stock figures, for any authenticated caller (customers may see what is available; nothing here
 * is written). The order service learns the catalogue from Kafka, not from here.
 */
@ApiTags('stock')
@Controller('stock')
export class StockController {
  constructor(@Inject(StockService) private readonly stock: StockService) {}

  @Get()
  @ApiOperation({ summary: 'Stock figures of every SKU, by SKU' })
  @ApiOkResponse({ description: '{ items: [{ sku, name, onHand, reserved, available }] }' })
  async list(): Promise<{ items: StockLevel[] }> {
    return { items: await this.stock.list() };
  }

  @Get(':sku')
  @ApiOperation({ summary: "One SKU's stock: on hand, reserved for orders, available to reserve" })
  @ApiOkResponse({ description: '{ sku, name, onHand, reserved, available }' })
  @ApiNotFoundResponse({ description: 'No stock was ever added for this SKU' })
  async get(@Param('sku') sku: string): Promise<StockLevel> {
    const level = await this.stock.get(sku);
    if (!level) throw new NotFoundException(`unknown sku ${sku}`);
    return level;
  }
}
