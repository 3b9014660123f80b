import 'reflect-metadata';
import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory, type IEntryNestModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as NestPino } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { bearerScheme, documentAccess, withoutDuplicateSecurity } from './auth/openapi-access.js';
import { ConfigError, loadConfig, type PlatformConfig } from './config.js';
import { jsonBody } from '@acme/http';
import { httpMetrics, MeteredExpressAdapter } from './http-metrics.js';
import { ROOT_LOGGER } from './platform.internal-tokens.js';
import { METRICS } from './platform.tokens.js';
import { startHint } from './start-hints.js';

export interface ServiceAppOptions {
  /** Shown in the OpenAPI document. */
  title: string;
  description?: string;
  version?: string;
}

/**
 * The Nest app of a service, configured the way every service is: pino logs, HTTP request metrics
 * on the METRICS registry (`http_requests_total`, `http_request_duration_seconds`), JSON bodies up
 * to HTTP_BODY_LIMIT_BYTES (parser errors → 400), the OpenAPI document at `/docs` (JSON at
 * `/docs/json`; the bearer scheme on every non-public route), shutdown hooks. Not listening yet: `runService` listens; tests may call
 * `app.listen(0)` themselves.
 */
export async function createServiceApp(
  module: IEntryNestModule,
  config: PlatformConfig,
  options: ServiceAppOptions,
): Promise<NestExpressApplication> {
  // abortOnError false: a failing start-up rejects here (runService logs the reason, tests see it)
  // instead of Nest exiting the process on its own.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class; a literal is how Nest itself takes them
  const nestOptions: NestApplicationOptions = { bufferLogs: true, bodyParser: false, abortOnError: false };
  const app = await NestFactory.create<NestExpressApplication>(
    module,
    new MeteredExpressAdapter(),
    nestOptions,
  );
  app.useLogger(app.get(NestPino));
  // Before the body parser: a body it refuses is an answer of the API too.
  app.use(httpMetrics(app.get<Registry>(METRICS)));
  app.use(...jsonBody(config.HTTP_BODY_LIMIT_BYTES));
  app.set('x-powered-by', false);
  documentAccess(app);
  const document = withoutDuplicateSecurity(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(options.title)
        .setDescription(options.description ?? '')
        .setVersion(options.version ?? '0.1.0')
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A JWT with `sub` and `roles`',
          },
          bearerScheme,
        )
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  // process.exit(0) once closed, not re-raising the signal: the exit lets pino flush its last lines
  // (the "service stopped" that says the drain completed) and reports a clean status.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/**
 * Start a service process: build the app, listen on HOST:PORT, and on SIGTERM/SIGINT stop taking
 * requests, let the consumer, relay and deadline worker finish what they hold, close the pool,
 * exit — or exit anyway after SHUTDOWN_TIMEOUT_MS. A start-up failure is logged with its reason
 * and exits with status 1.
 *
 * @example
 *   // apps/order/src/main.ts
 *   const config = loadConfig('order', orderConfigSchema);
 *   await runService(AppModule.register(config), config, { title: 'Order service' });
 */
export async function runService(
  module: IEntryNestModule,
  config: PlatformConfig,
  options: ServiceAppOptions,
): Promise<NestExpressApplication> {
  let app: NestExpressApplication | undefined;
  try {
    app = await createServiceApp(module, config, options);
    const logger = app.get<Pino>(ROOT_LOGGER);
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        setTimeout(() => {
          logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
          process.exit(1);
        }, config.SHUTDOWN_TIMEOUT_MS).unref();
      });
    await app.listen(config.PORT, config.HOST);
    logger.info({ url: await app.getUrl() }, 'service started');
    return app;
  } catch (error) {
    // The logger may not exist yet (config, module wiring): one JSON line on stderr either way.
    const hint = startHint(error);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'service failed to start', ...(hint ? { hint } : {}), err: String(error instanceof Error ? (error.stack ?? error.message) : error) })}\n`,
    );
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * A service's whole `main.ts`: read and validate the configuration — on a bad one, write one JSON
 * line naming every offending variable (never a value: secrets stay out of logs) and exit 1 —
 * then `runService`.
 *
 * @example
 *   await startService('order', orderConfigSchema, (config) => AppModule.register(config), { title: 'Order service' });
 */
export async function startService<C extends PlatformConfig>(
  service: string,
  schema: z.ZodType<C>,
  module: (config: C) => IEntryNestModule,
  options: ServiceAppOptions,
): Promise<NestExpressApplication> {
  let config: C;
  try {
    config = loadConfig(service, schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service, msg: 'invalid configuration', problems: error.problems })}\n`,
    );
    process.exit(1);
  }
  return runService(module(config), config, options);
}
