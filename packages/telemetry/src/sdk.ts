import { readFileSync } from 'node:fs';
import { register } from 'node:module';

/** What `startTelemetry` needs to know about the process. */
export interface TelemetryOptions {
  /** `service.name` of every span (order, inventory, …). */
  service: string;
  /** `service.version`; defaults to the version in the package.json beside `dist/`. */
  version?: string;
  /** `import.meta.url` of the entry module, to find that package.json. */
  entry?: string;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The running SDK (or the absence of one); `shutdown` flushes what is buffered. */
export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Start OpenTelemetry tracing before the application is loaded: the module hooks that let the
 * instrumentations patch `http`, `express` and `pg` when the app imports them, then the NodeSDK
 * with an OTLP/HTTP exporter (OTEL_EXPORTER_OTLP_ENDPOINT; Jaeger's collector in the stack). The
 * app must be imported *after* this resolves, dynamically — static imports are loaded before any
 * code runs, too early for the hooks. Off when OTEL_SDK_DISABLED=true: no hooks, no SDK, and the
 * API's no-op tracer (trace context is still carried along).
 *
 * @example
 *   // apps/order/src/main.ts
 *   await startTelemetry({ service: 'order', entry: import.meta.url });
 *   await import('./service.js');
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true')
    return { enabled: false, shutdown: () => Promise.resolve() };

  // The ESM hook for modules imported with `import`; the instrumentations add the require hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION },
    { HttpInstrumentation },
    { ExpressInstrumentation, ExpressLayerType },
    { PgInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.service,
      [ATTR_SERVICE_VERSION]: options.version ?? packageVersion(options.entry) ?? '0.0.0',
      'service.namespace': 'acme',
    }),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would bury the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)\b/.test(request.url ?? ''),
      }),
      // Route handlers only: a span per middleware (body parser, logger, metrics) costs more than
      // it tells.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Only queries inside a request or a message (pool housekeeping and pollers stay out), and
      // no span per pool checkout.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

function packageVersion(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  try {
    const json = JSON.parse(readFileSync(new URL('../package.json', entry), 'utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}
