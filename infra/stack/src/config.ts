/**
 * Stack configuration: every port, version and directory comes from an environment variable with a
 * default, validated once. docker-compose.yml uses the same variable names (a test checks that).
 *
 * @example
 *   const config = loadStackConfig(process.env);
 *   endpoints(config).KAFKA_BROKERS; // "127.0.0.1:19092"
 */
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './paths.js';

/** Decimal digits only: `Number()` would also take "0x4a38" or "1e4". */
const port = z
  .string()
  .regex(/^\d+$/, 'expected a port number (1–65535)')
  .transform(Number)
  .pipe(z.number().int().min(1).max(65535));

/** Variable name → validator with its default. The single list the README and compose are checked against. */
export const stackVariables = {
  STACK_DIR: z.string().default('.stack'),
  STACK_CACHE_DIR: z.string().optional(),
  KAFKA_VERSION: z.string().default('4.4.0'),
  KAFKA_PORT: port.default(19092),
  KAFKA_CONTROLLER_PORT: port.default(19093),
  KAFKA_SASL_PORT: port.default(19094),
  KAFKA_SASL_USERNAME: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only')
    .default('acme'),
  KAFKA_SASL_PASSWORD: z
    .string()
    .regex(/^[^\s,=[\]]{8,}$/, 'at least 8 characters, without spaces, ",", "=", "[" or "]"')
    .default('acme-kafka'),
  APICURIO_VERSION: z.string().default('3.0.9'),
  SCHEMA_REGISTRY_PORT: port.default(18081),
  SCHEMA_REGISTRY_USERNAME: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  // Written to a Java properties file that Quarkus expands: no "$", "\\", "=", ":" or spaces.
  SCHEMA_REGISTRY_PASSWORD: z
    .string()
    .regex(/^[^\s$\\=:]{8,}$/, 'at least 8 characters, without spaces, "$", "\\", "=" or ":"')
    .optional(),
  POSTGRES_VERSION: z.string().default('15'),
  POSTGRES_PORT: port.default(15432),
  POSTGRES_USER: z.string().min(1).default('acme'),
  POSTGRES_PASSWORD: z.string().min(1).default('acme'),
  JAEGER_VERSION: z.string().default('1.45.0'),
  JAEGER_QUERY_PORT: port.default(16686),
  JAEGER_OTLP_GRPC_PORT: port.default(4317),
  JAEGER_OTLP_HTTP_PORT: port.default(4318),
  JAEGER_ADMIN_PORT: port.default(14269),
  JAEGER_QUERY_GRPC_PORT: port.default(16685),
  JAEGER_COLLECTOR_GRPC_PORT: port.default(14250),
  PROMETHEUS_VERSION: z.string().default('2.42'),
  PROMETHEUS_PORT: port.default(19090),
} as const;

const schema = z.object(stackVariables).superRefine((c, ctx) => {
  if ((c.SCHEMA_REGISTRY_USERNAME === undefined) !== (c.SCHEMA_REGISTRY_PASSWORD === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['SCHEMA_REGISTRY_PASSWORD'],
      message: 'set both SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (basic auth), or neither',
    });
});
export type StackVariables = z.infer<typeof schema>;

/** One database per service, plus the registry's own. */
export const databases = [
  'orders',
  'inventory',
  'payments',
  'notifications',
  'analytics',
  'registry',
] as const;

export interface StackConfig extends StackVariables {
  /** Absolute state directory: data/, logs/, run/, conf/ live under it. */
  stackDir: string;
  /** Absolute download cache (jars, binaries); survives `reset`. */
  cacheDir: string;
  dataDir: string;
  logDir: string;
  runDir: string;
  confDir: string;
  /** Repository root, where infra/ templates are read from. */
  root: string;
}

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  // An empty variable means "use the default", as `${VAR:-default}` does in docker-compose.yml; an
  // empty STACK_DIR must never resolve to the repository root (reset would delete data/ there).
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new StackConfigError(`invalid stack configuration:\n${lines.join('\n')}`);
  }
  const root = repoRoot();
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const stackDir = abs(parsed.data.STACK_DIR);
  return {
    ...parsed.data,
    root,
    stackDir,
    cacheDir: abs(parsed.data.STACK_CACHE_DIR ?? join(stackDir, 'cache')),
    dataDir: join(stackDir, 'data'),
    logDir: join(stackDir, 'logs'),
    runDir: join(stackDir, 'run'),
    confDir: join(stackDir, 'conf'),
  };
}

/** What clients need, under the names apps and test suites read. */
export interface StackEndpoints {
  KAFKA_BROKERS: string;
  /** The broker's SASL_SSL listener (SCRAM user KAFKA_SASL_USERNAME), for clients that want it. */
  KAFKA_SASL_SSL_BROKERS: string;
  /** The CA certificate (PEM) that signed the SASL_SSL listener's certificate. */
  KAFKA_TLS_CA_FILE: string;
  SCHEMA_REGISTRY_URL: string;
  /** Basic auth for the registry, when the stack was configured to require it. */
  SCHEMA_REGISTRY_USERNAME?: string;
  SCHEMA_REGISTRY_PASSWORD?: string;
  /** Server URL without a database; append `/<db>` (see `databases`). */
  DATABASE_URL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  JAEGER_QUERY_URL: string;
  PROMETHEUS_URL: string;
  /** Where Prometheus discovers scrape targets (file_sd JSON files). */
  PROMETHEUS_TARGETS_DIR: string;
}

/** Where the stack keeps the broker's certificates (tls.sh makes them; `reset` deletes them). */
export const kafkaTlsDir = (c: StackConfig): string => join(c.dataDir, 'kafka-tls');

export function endpoints(c: StackConfig): StackEndpoints {
  const user = encodeURIComponent(c.POSTGRES_USER);
  const password = encodeURIComponent(c.POSTGRES_PASSWORD);
  return {
    KAFKA_BROKERS: `127.0.0.1:${c.KAFKA_PORT}`,
    KAFKA_SASL_SSL_BROKERS: `127.0.0.1:${c.KAFKA_SASL_PORT}`,
    KAFKA_TLS_CA_FILE: join(kafkaTlsDir(c), 'ca.pem'),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${c.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    ...(c.SCHEMA_REGISTRY_USERNAME !== undefined && c.SCHEMA_REGISTRY_PASSWORD !== undefined
      ? {
          SCHEMA_REGISTRY_USERNAME: c.SCHEMA_REGISTRY_USERNAME,
          SCHEMA_REGISTRY_PASSWORD: c.SCHEMA_REGISTRY_PASSWORD,
        }
      : {}),
    DATABASE_URL: `postgres://${user}:${password}@127.0.0.1:${c.POSTGRES_PORT}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${c.JAEGER_OTLP_HTTP_PORT}`,
    JAEGER_QUERY_URL: `http://127.0.0.1:${c.JAEGER_QUERY_PORT}`,
    PROMETHEUS_URL: `http://127.0.0.1:${c.PROMETHEUS_PORT}`,
    PROMETHEUS_TARGETS_DIR: join(c.confDir, 'prometheus', 'targets'),
  };
}
