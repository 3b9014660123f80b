/**
 * The real stack for test suites, from the first source that answers:
 *   1. endpoints in the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL, ...),
 *   2. Testcontainers running the repository's docker-compose.yml, when a Docker engine answers,
 *   3. the native stack (`pnpm stack up`), started here if it is not running.
 * One set of suites runs unchanged on all three. Path 2 is not exercised on machines without Docker.
 */
import { spawnSync } from 'node:child_process';
import {
  endpoints,
  loadStackConfig,
  repoRoot,
  up,
  type Renderer,
  type StackLease,
  type StackConfig,
  type StackEndpoints,
} from '@acme/stack';

export type StackSource = 'environment' | 'testcontainers' | 'native';

export interface TestStack {
  source: StackSource;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** Server URL; use `databaseUrl(stack, 'orders')` for one database. */
  databaseUrl: string;
  otlpEndpoint: string;
  jaegerQueryUrl: string;
  prometheusUrl: string;
  /** Where to drop file_sd target files so Prometheus scrapes a test's metrics (native stack only). */
  prometheusTargetsDir?: string;
  /** The broker's SASL_SSL listener and the CA that signed its certificate, when the stack has one. */
  kafkaSaslSsl?: { brokers: string[]; caFile: string };
}

/** The URL of one database on the stack's Postgres server. */
export function databaseUrl(stack: Pick<TestStack, 'databaseUrl'>, database: string): string {
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const required = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL'] as const;

export function stackFromEnvironment(env: NodeJS.ProcessEnv = process.env): TestStack | undefined {
  if (!required.every((name) => env[name])) return undefined;
  return fromEndpoints('environment', env as unknown as StackEndpoints);
}

/**
 * The stack the jest global setup exported to the environment, in a test; throws saying so when it
 * is absent (a test file run without the project's jest config).
 *
 * @example
 *   const scratch = await scratchDatabase(testStack(), 'orders_it');
 */
export function testStack(): TestStack {
  const stack = stackFromEnvironment();
  if (!stack) throw new Error('the jest globalSetup should have exported the stack endpoints');
  return stack;
}

function fromEndpoints(
  source: StackSource,
  e: Partial<StackEndpoints> & Pick<StackEndpoints, (typeof required)[number]>,
): TestStack {
  return {
    source,
    kafkaBrokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL,
    databaseUrl: e.DATABASE_URL,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
    jaegerQueryUrl: e.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
    prometheusUrl: e.PROMETHEUS_URL ?? 'http://127.0.0.1:19090',
    ...(e.PROMETHEUS_TARGETS_DIR ? { prometheusTargetsDir: e.PROMETHEUS_TARGETS_DIR } : {}),
    ...(e.KAFKA_SASL_SSL_BROKERS && e.KAFKA_TLS_CA_FILE
      ? {
          kafkaSaslSsl: {
            brokers: e.KAFKA_SASL_SSL_BROKERS.split(',').map((b) => b.trim()),
            caFile: e.KAFKA_TLS_CA_FILE,
          },
        }
      : {}),
  };
}

/** The endpoints as environment variables (what apps and child processes read). */
export function stackEnvironment(stack: TestStack): Record<string, string> {
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    DATABASE_URL: stack.databaseUrl,
    OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpEndpoint,
    JAEGER_QUERY_URL: stack.jaegerQueryUrl,
    PROMETHEUS_URL: stack.prometheusUrl,
    ...(stack.prometheusTargetsDir ? { PROMETHEUS_TARGETS_DIR: stack.prometheusTargetsDir } : {}),
    ...(stack.kafkaSaslSsl
      ? {
          KAFKA_SASL_SSL_BROKERS: stack.kafkaSaslSsl.brokers.join(','),
          KAFKA_TLS_CA_FILE: stack.kafkaSaslSsl.caFile,
        }
      : {}),
  };
}

export function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    timeout: 5000,
    stdio: 'ignore',
  });
  return result.status === 0;
}

let stopContainers: (() => Promise<void>) | undefined;

/** Bring up the parts of the native stack that are not running, and describe it. */
export async function startNativeStack(
  config: StackConfig = loadStackConfig(process.env),
  renderer: Renderer = 'simple',
  lease?: StackLease,
): Promise<TestStack> {
  await (lease ? lease.up({ renderer }) : up(config, { renderer }));
  return nativeStack(config);
}

/** The native stack's endpoints (whether it runs or not). */
export function nativeStack(config: StackConfig = loadStackConfig(process.env)): TestStack {
  return fromEndpoints('native', endpoints(config));
}

/**
 * Start (or find) the stack; the result is also what `stackEnvironment` exports to workers. With a
 * `lease`, the native parts started here are the lease's to stop; without, they keep running.
 */
export async function provideStack(
  options: { renderer?: Renderer; lease?: StackLease } = {},
): Promise<TestStack> {
  const fromEnv = stackFromEnvironment();
  if (fromEnv) return fromEnv;
  const config = loadStackConfig(process.env);
  if (dockerEngineAnswers()) {
    const { DockerComposeEnvironment } = await import('testcontainers');
    const environment = await new DockerComposeEnvironment(repoRoot(), 'docker-compose.yml')
      .withEnvironment(process.env as Record<string, string>)
      .up(['postgres', 'kafka', 'registry', 'jaeger', 'prometheus']);
    stopContainers = async () => {
      await environment.down();
    };
    const e = endpoints(config);
    // Compose publishes the same ports as the native stack; only the registry speaks at its root.
    return fromEndpoints('testcontainers', {
      ...e,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${config.SCHEMA_REGISTRY_PORT}`,
    });
  }
  return startNativeStack(config, options.renderer, options.lease);
}

/** Stop what `provideStack` started through Testcontainers (the native stack is left to its owner). */
export async function releaseStack(): Promise<void> {
  await stopContainers?.();
  stopContainers = undefined;
}
