import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Res,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { Public } from '@acme/service';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { contentSecurityPolicy, readAsset } from './dashboard.assets.js';
import { DashboardLive } from './dashboard.live.js';

/** The part of Express's response used here. */
interface AssetResponse {
  setHeader(name: string, value: string): unknown;
  send(body: Buffer): unknown;
}

/**
 * Public on the service itself (a browser page cannot send a bearer token with its asset and
 * EventSource requests): deploy it behind the operator's SSO or proxy. It shows aggregates and the
 * latest orders (order and customer ids, amounts; no e-mails, no payment tokens).
 */
@ApiTags('dashboard')
@Public()
@Controller('dashboard')
export class DashboardController {
  constructor(@Inject(DashboardLive) private readonly live: DashboardLive) {}

  @Get()
  @ApiOperation({
    summary: 'The live sales dashboard (HTML page)',
    description:
      'Orders per minute, revenue, outcome split, saga duration percentiles and the latest orders, ' +
      'updated live from GET /dashboard/stream.',
  })
  @ApiProduces('text/html')
  async page(@Res() response: AssetResponse): Promise<void> {
    await this.send('dashboard.html', response);
  }

  @Get('assets/:name')
  @ApiExcludeEndpoint()
  async asset(@Param('name') name: string, @Res() response: AssetResponse): Promise<void> {
    await this.send(name, response);
  }

  @Sse('stream')
  @ApiOperation({
    summary: 'The dashboard figures as server-sent events',
    description:
      'A `snapshot` event (JSON: window, ordersPerMinute, ordersPerMinuteNow, revenue, outcomes, ' +
      'durationMs, latest) at once and whenever the figures change (checked once a second), and ' +
      'keep-alive comments every 15 s.',
  })
  @ApiProduces('text/event-stream')
  stream(): Observable<MessageEvent> {
    return this.live.events();
  }

  private async send(name: string, response: AssetResponse): Promise<void> {
    const asset = await readAsset(name);
    if (asset === undefined) throw new NotFoundException(`no dashboard asset ${name}`);
    response.setHeader('Content-Type', asset.contentType);
    response.setHeader('Content-Security-Policy', contentSecurityPolicy);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    // Served from the working tree: always revalidate, so a changed file shows on reload.
    response.setHeader('Cache-Control', 'no-cache');
    response.send(asset.body);
  }
}
