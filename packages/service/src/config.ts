import { checkConnection, connectionVariables, secretFile } from '@acme/messaging';
import { z } from 'zod';

/** Configuration that does not hold: every offending variable, with what is wrong with it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly service: string,
    readonly problems: readonly { variable: string; message: string }[],
  ) {
    super(
      `invalid configuration of ${service}:\n` +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
  }
}

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const list = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((item) => item.trim()))
  .refine((items) => items.every((item) => item !== ''), 'a comma-separated list without empty items');
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** Shortest HS256 secret accepted: 256 bits of ASCII, as RFC 7518 asks for the key size. */
export const minJwtSecretLength = 32;

/** AUTH_JWT_SECRET_FILE: the secret the file holds, long enough for HS256. */
const jwtSecretFile = secretFile(minJwtSecretLength);

const authKeyVariables = ['AUTH_JWT_SECRET', 'AUTH_JWT_SECRET_FILE', 'AUTH_JWKS_URL'] as const;

export interface ServiceDefaults {
  /** HTTP port when PORT is not set. */
  port: number;
  /** The service's own database on the server of DATABASE_URL. */
  database: string;
}

/**
 * What every service reads from its environment; apps `.extend` it with their own variables.
 * DATABASE_URL names the server (a database in it is replaced by DATABASE_NAME).
 *
 * @example
 *   const schema = platformConfigSchema({ port: 3001, database: 'orders' }).extend({
 *     ORDER_DEADLINE_MS: z.coerce.number().int().positive().default(60_000),
 *   });
 *   const config = loadConfig('order', schema);
 */
export function platformConfigSchema(defaults: ServiceDefaults) {
  return z
    .object({
      HOST: z.string().min(1).default('0.0.0.0'),
      PORT: port.default(defaults.port),
      DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// URL' }),
      DATABASE_NAME: z.string().min(1).default(defaults.database),
      DATABASE_POOL_SIZE: positiveInt.default(10),
      KAFKA_BROKERS: list,
      /** Partitions of the topics this service creates when they are missing. */
      KAFKA_TOPIC_PARTITIONS: positiveInt.default(6),
      /**
       * Put before every topic and consumer group name this service uses (`it-42.order.events`):
       * lets test runs and tenants share a cluster without seeing each other's events.
       */
      KAFKA_TOPIC_PREFIX: z
        .string()
        .regex(/^[\w.-]*$/, 'letters, digits, ".", "_" and "-" only')
        .default(''),
      SCHEMA_REGISTRY_URL: z.url({ protocol: /^https?$/, error: 'an http(s):// URL' }),
      /** SASL/TLS for Kafka and basic auth for the registry (see @acme/messaging's connection). */
      ...connectionVariables,
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Pretty logs are for people at a terminal; services log JSON lines. */
      LOG_PRETTY: flag.default(false),
      /** Largest HTTP request body accepted. */
      HTTP_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
      /** After SIGTERM, in-flight work gets this long before the process exits anyway. */
      SHUTDOWN_TIMEOUT_MS: positiveInt.default(15_000),
      /**
       * Messages of one partition handled in one transaction (and one inbox insert). Larger batches
       * amortise commits under load; a failed batch falls back to one message at a time.
       */
      CONSUMER_BATCH_SIZE: positiveInt.optional(),
      /** Partitions whose batches are handled at the same time (kafkajs partitionsConsumedConcurrently). */
      CONSUMER_CONCURRENCY: positiveInt.optional(),
      /** Run the outbox relay in this process (one instance per service holds the lock at a time). */
      RELAY_ENABLED: flag.default(true),
      /**
       * Bearer tokens (JWT) are verified with exactly one of: an HS256 secret shared with the token
       * issuer (AUTH_JWT_SECRET, or AUTH_JWT_SECRET_FILE holding it), or the issuer's JSON Web Key
       * Set (AUTH_JWKS_URL; RS256/ES256). None set → the service refuses to start: no HTTP API runs
       * unauthenticated by accident. Never logged.
       */
      AUTH_JWT_SECRET: z
        .string()
        .min(minJwtSecretLength, `at least ${minJwtSecretLength} characters`)
        .optional(),
      AUTH_JWT_SECRET_FILE: jwtSecretFile.optional(),
      AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'an http(s):// URL' }).optional(),
      /** The `iss` every token must carry. */
      AUTH_ISSUER: z.string().min(1).default('acme'),
      /** The `aud` every token must name. */
      AUTH_AUDIENCE: z.string().min(1).default('acme-api'),
    })
    .superRefine(
      (config, ctx) => {
        checkConnection(config, ctx);
        const set = authKeyVariables.filter((variable) => config[variable] !== undefined);
        if (set.length === 0)
          ctx.addIssue({
            code: 'custom',
            path: ['AUTH_JWT_SECRET'],
            message: 'required: set one of AUTH_JWT_SECRET, AUTH_JWT_SECRET_FILE or AUTH_JWKS_URL',
          });
        for (const extra of set.slice(1))
          ctx.addIssue({
            code: 'custom',
            path: [extra],
            message: `set only one of ${authKeyVariables.join(', ')} (${set[0] ?? ''} is set too)`,
          });
      },
      // Also when other variables are wrong: every problem is named at once.
      { when: () => true },
    );
}

export type PlatformConfig = z.infer<ReturnType<typeof platformConfigSchema>>;

/**
 * Parse the environment with `schema`; an empty variable counts as unset. Throws `ConfigError`
 * naming every variable that is missing or malformed — never a partial config.
 */
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(set);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    service,
    parsed.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
    })),
  );
}
