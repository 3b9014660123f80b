import 'reflect-metadata';
import {
  Controller,
  Get,
  HttpCode,
  Module,
  NotFoundException,
  Param,
  Post,
  type DynamicModule,
} from '@nestjs/common';
import { z } from 'zod';
import {
  counter,
  histogram,
  PlatformModule,
  platformConfigSchema,
  Registry,
  ValidBody,
  type PlatformConfig,
} from '../src/index.js';
import { httpMetrics } from '../src/http-metrics.js';
import { serviceWorld, type ServiceWorld } from '../src/testing/index.js';

jest.setTimeout(90_000);

const schema = platformConfigSchema({ port: 3998, database: 'http_metrics_test' });

const noteBody = z.object({ text: z.string().min(1) });

@Controller('parcels')
class ParcelsController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    if (id === 'lost') throw new NotFoundException(`no parcel ${id}`);
    return { id };
  }

  @Post(':id/notes')
  @HttpCode(201)
  note(@Param('id') id: string, @ValidBody(noteBody) body: z.infer<typeof noteBody>): { id: string } {
    return { id: `${id}:${body.text}` };
  }
}

@Module({})
class TestApp {
  static register(config: PlatformConfig): DynamicModule {
    return {
      module: TestApp,
      imports: [PlatformModule.forRoot({ service: 'http-metrics-test', config, publishes: [] })],
      controllers: [ParcelsController],
    };
  }
}

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric in Prometheus text format (labels as a record, in any order). */
function samples(text: string, name: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const close = line.lastIndexOf('}');
      const labels = Object.fromEntries(
        [...line.slice(name.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
          m[1] ?? '',
          m[2] ?? '',
        ]),
      );
      return { labels, value: Number(line.slice(close + 1).trim()) };
    });
}

describe('HTTP metrics', () => {
  let world: ServiceWorld<PlatformConfig>;

  beforeAll(async () => {
    world = await serviceWorld({
      service: 'http_metrics',
      schema,
      module: (c) => TestApp.register(c),
    });
  });
  afterAll(() => world.close());

  const send = async (method: string, path: string, body?: string) =>
    fetch(`${world.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await world.auth()) },
      ...(body === undefined ? {} : { body }),
    });

  it('counts requests by method, route pattern and status — never the raw URL, nor scrapes and probes', async () => {
    const answers = [
      await send('GET', '/parcels/p-1'),
      await send('GET', '/parcels/p-2'),
      await send('GET', '/parcels/lost'),
      await send('POST', '/parcels/p-1/notes', JSON.stringify({ text: 'fragile' })),
      await send('POST', '/parcels/p-1/notes', JSON.stringify({ text: '' })),
      await send('POST', '/parcels/p-1/notes', '{"text": '),
      await send('GET', '/nowhere/p-1'),
      await send('DELETE', '/parcels/p-1'),
      await send('GET', '/health/live'),
      await send('GET', '/metrics'),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 200, 404, 201, 400, 400, 404, 404, 200, 200]);

    const text = await (await send('GET', '/metrics')).text();
    const counted = samples(text, 'http_requests_total');
    const value = (method: string, route: string, status: string) =>
      counted.find(
        ({ labels }) => labels.method === method && labels.route === route && labels.status === status,
      )?.value;
    expect(value('GET', '/parcels/:id', '200')).toBe(2);
    // A 404 the route itself answered keeps its route; only a request no route took is unmatched.
    expect(value('GET', '/parcels/:id', '404')).toBe(1);
    expect(value('POST', '/parcels/:id/notes', '201')).toBe(1);
    expect(value('POST', '/parcels/:id/notes', '400')).toBe(1);
    // Malformed JSON is refused by the body parser, before any route is matched.
    expect(value('POST', 'unmatched', '400')).toBe(1);
    expect(value('GET', 'unmatched', '404')).toBe(1);
    expect(value('DELETE', 'unmatched', '404')).toBe(1);
    expect(counted.every(({ labels }) => labels.service === 'http-metrics-test')).toBe(true);

    const routes = new Set(counted.map(({ labels }) => labels.route));
    expect([...routes].sort()).toEqual(['/parcels/:id', '/parcels/:id/notes', 'unmatched']);
    expect(text).not.toMatch(/route="\/(metrics|health)/);
    expect(text).not.toMatch(/p-1|p-2|nowhere/);

    const durations = samples(text, 'http_request_duration_seconds_count');
    expect(
      durations.find(
        ({ labels }) => labels.route === '/parcels/:id' && labels.method === 'GET' && labels.status === '200',
      )?.value,
    ).toBe(2);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*le="0\.005"/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*le="10"/);
  });
});

describe('metric helpers', () => {
  it('create a metric once per registry and hand the same one back after', () => {
    const registry = new Registry();
    const first = counter(registry, { name: 'things_total', help: 'Things', labelNames: ['kind'] });
    const again = counter(registry, { name: 'things_total', help: 'Things', labelNames: ['kind'] });
    expect(again).toBe(first);
    expect(histogram(registry, { name: 'thing_seconds', help: 'Time' })).toBe(
      histogram(registry, { name: 'thing_seconds', help: 'Time' }),
    );
    // Another registry gets its own.
    expect(counter(new Registry(), { name: 'things_total', help: 'Things' })).not.toBe(first);
  });

  it('refuse a name taken by another type of metric', () => {
    const registry = new Registry();
    counter(registry, { name: 'things_total', help: 'Things' });
    expect(() => histogram(registry, { name: 'things_total', help: 'Things' })).toThrow(
      /already registered, and not as a histogram/,
    );
  });

  it('let the HTTP middleware be built twice on one registry', () => {
    const registry = new Registry();
    httpMetrics(registry);
    expect(() => httpMetrics(registry)).not.toThrow();
    expect(registry.getMetricsAsArray().map((m) => m.name)).toEqual([
      'http_requests_total',
      'http_request_duration_seconds',
    ]);
  });
});
