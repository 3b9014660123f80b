import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { Cause } from '@acme/messaging';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Module,
  Param,
  Post,
  Query,
  type DynamicModule,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  ConfigError,
  DATABASE,
  loadConfig,
  OUTBOX,
  PlatformModule,
  Public,
  RequestCause,
  platformConfigSchema,
  ValidBody,
  type Outbox,
  type PlatformConfig,
} from '../src/index.js';
import { serviceWorld, type ServiceWorld } from '../src/testing/index.js';

jest.setTimeout(90_000);

const schema = platformConfigSchema({ port: 3999, database: 'platform_test' });

const shipBody = z.object({
  orderId: z.uuid(),
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});

@Controller('shipments')
class ShipmentsController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<unknown>,
    @Inject(OUTBOX) private readonly outbox: Outbox,
  ) {}

  @Post()
  @HttpCode(202)
  async ship(
    @ValidBody(shipBody) body: z.infer<typeof shipBody>,
    @RequestCause() cause: Cause,
  ): Promise<{ orderId: string }> {
    await this.db.transaction().execute((tx) =>
      this.outbox.publish(tx, [
        {
          type: 'com.acme.order.shipped.v1',
          subject: body.orderId,
          data: { orderId: body.orderId, shippedAt: Date.now() },
          cause,
        },
      ]),
    );
    return { orderId: body.orderId };
  }

  // A public route in a controller that is not: documented without the bearer scheme.
  @Public()
  @Get('public/ping')
  ping(): { pong: true } {
    return { pong: true };
  }

  @Get(':orderId')
  find(@Param('orderId') orderId: string, @Query('note') note?: string): { orderId: string; note?: string } {
    return { orderId, ...(note === undefined ? {} : { note }) };
  }
}

@Module({})
class TestApp {
  static register(config: PlatformConfig): DynamicModule {
    return {
      module: TestApp,
      imports: [
        PlatformModule.forRoot({
          service: 'platform-test',
          config,
          publishes: ['com.acme.order.shipped.v1'],
          consumes: { topics: ['inventory.events'] },
        }),
      ],
      controllers: [ShipmentsController],
    };
  }
}

describe('loadConfig', () => {
  it('names every missing or malformed variable at once', () => {
    const attempt = () =>
      loadConfig('order', schema, { KAFKA_BROKERS: '', DATABASE_URL: 'mysql://x', PORT: '99999' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/KAFKA_BROKERS: required/);
    expect(attempt).toThrow(/DATABASE_URL: a postgres:\/\/ URL/);
    expect(attempt).toThrow(/PORT: /);
    expect(attempt).toThrow(/SCHEMA_REGISTRY_URL: required/);
    expect(attempt).toThrow(/AUTH_JWT_SECRET: required: set one of/);
  });

  it('fills defaults and splits lists', () => {
    const config = loadConfig('order', schema, {
      KAFKA_BROKERS: 'a:1, b:2',
      DATABASE_URL: 'postgres://u:p@h:5432',
      SCHEMA_REGISTRY_URL: 'http://r:8081',
      AUTH_JWT_SECRET: 'x'.repeat(32),
    });
    expect(config).toMatchObject({
      PORT: 3999,
      DATABASE_NAME: 'platform_test',
      KAFKA_BROKERS: ['a:1', 'b:2'],
    });
  });
});

describe('a service on the platform', () => {
  let world: ServiceWorld<PlatformConfig>;

  beforeAll(async () => {
    world = await serviceWorld({ service: 'platform', schema, module: (c) => TestApp.register(c) });
  });
  afterAll(() => world.close());

  const post = async (body: string, headers: Record<string, string> = {}) =>
    fetch(`${world.url}/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await world.auth()), ...headers },
      body,
    });

  it('is ready once Postgres, Kafka and its consumer are', async () => {
    const res = await fetch(`${world.url}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { details: Record<string, { status: string }> };
    expect(Object.keys(body.details).sort()).toEqual(['consumer', 'kafka', 'postgres']);
  });

  it('publishes through the outbox and the relay to Kafka, with the correlation of the request', async () => {
    const orderId = randomUUID();
    const res = await post(JSON.stringify({ orderId, lines: [{ sku: 'A', quantity: 1 }] }), {
      'x-correlation-id': 'corr-123',
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-correlation-id')).toBe('corr-123');
    const shipped = await world.tap.waitFor('com.acme.order.shipped.v1', orderId);
    expect(shipped.data).toMatchObject({ orderId });
    expect(shipped.envelope.source).toBe('/acme/platform-test');
    expect(shipped.envelope.correlationid).toBe('corr-123');
  });

  it.each([
    ['malformed JSON', '{"orderId": ', [{ field: '(body)', message: 'malformed JSON' }]],
    [
      'a body over the limit',
      JSON.stringify({ pad: 'x'.repeat(70_000) }),
      [{ field: '(body)', message: 'larger than 65536 bytes' }],
    ],
    [
      'wrong fields',
      JSON.stringify({ orderId: 'nope', lines: [{ sku: '', quantity: -1 }] }),
      expect.arrayContaining([
        expect.objectContaining({ field: 'orderId' }),
        expect.objectContaining({ field: 'lines.0.sku' }),
        expect.objectContaining({ field: 'lines.0.quantity' }),
      ]),
    ],
    [
      'a NUL character in a value or a key',
      `{"orderId": "${randomUUID()}", "lines": [{"sku": "A\\u0000", "quantity": 1}], "k\\u0000": 1}`,
      [
        { field: 'lines.0.sku', message: 'must not contain a NUL character (\\u0000)' },
        { field: 'k\\u0000', message: 'must not contain a NUL character (\\u0000)' },
      ],
    ],
  ])('answers %s with 400 and field errors, writing nothing', async (_, body, errors) => {
    const before = await world.db
      .selectFrom('outbox')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400, errors: errors as unknown });
    const after = await world.db
      .selectFrom('outbox')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers a NUL character in a path parameter or the query with 400, before the handler', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${world.url}${path}`, { headers: await world.auth() });
      return { status: res.status, body: await res.json() };
    };
    expect(await get('/shipments/a%00b')).toEqual({
      status: 400,
      body: expect.objectContaining({
        errors: [{ field: 'orderId', message: 'must not contain a NUL character (\\u0000)' }],
      }) as unknown,
    });
    expect(await get('/shipments/ab?note=x%00')).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'note' }] },
    });
    expect(await get('/shipments/ab?note=x')).toEqual({ status: 200, body: { orderId: 'ab', note: 'x' } });
  });

  it('documents its routes and request bodies in OpenAPI', async () => {
    const doc = (await (await fetch(`${world.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.paths['/shipments']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/health/ready']).toBeDefined();
  });

  it('authenticates every route but its probes, metrics and docs (401 before anything is written)', async () => {
    const outboxRows = async () =>
      (
        await world.db
          .selectFrom('outbox')
          .select((e) => e.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await outboxRows();
    const body = JSON.stringify({ orderId: randomUUID(), lines: [{ sku: 'A', quantity: 1 }] });
    const anonymous = await post(body, { authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(body, { authorization: 'Bearer forged.token.value' })).status).toBe(401);
    expect(await outboxRows()).toBe(before);
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs/json'])
      expect([path, (await fetch(`${world.url}${path}`)).status]).toEqual([path, 200]);
    const doc = (await (await fetch(`${world.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes?: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) as unknown,
    });
    expect(doc.paths['/shipments']?.post?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health/ready']?.get?.security).toBeUndefined();
    expect(doc.paths['/shipments/public/ping']?.get?.security).toBeUndefined();
    expect((await fetch(`${world.url}/shipments/public/ping`)).status).toBe(200);
  });

  it('serves relay, consumer and process metrics', async () => {
    const text = await (await fetch(`${world.url}/metrics`)).text();
    expect(text).toMatch(/outbox_/);
    expect(text).toMatch(/process_cpu_seconds_total\{service="platform-test"\}/);
  });
});
