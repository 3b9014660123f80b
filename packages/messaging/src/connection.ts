/**
 * How clients reach Kafka and the schema registry when they are secured: SASL (SCRAM or PLAIN)
 * over TLS with a CA of one's own, and HTTP basic auth for the registry — all from configuration,
 * secrets from the environment or from files. The variables are declared once here; services
 * (@acme/service's config) and the DLQ command line parse them with the rest of their settings.
 *
 * @example
 *   const config = z.object(connectionVariables).superRefine(checkConnection).parse(process.env);
 *   const kafka = new Kafka({ brokers, ...kafkaSecurity(config) });
 *   const registry = new SchemaRegistry({ host, ...registryAuth(config) });
 */
import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';

/**
 * A variable naming a file; the parsed value is what the file holds, trimmed — so a secret
 * mounted as a file never passes through the environment. An unreadable or too short file is a
 * problem of the variable; the message never includes the content.
 */
export function secretFile(minLength = 1) {
  return z
    .string()
    .min(1)
    .transform((path, ctx) => {
      let content: string;
      try {
        content = readFileSync(path, 'utf8').trim();
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        });
        return z.NEVER;
      }
      if (content.length < minLength)
        ctx.addIssue({
          code: 'custom',
          message:
            minLength === 1 ? 'the file is empty' : `the file must hold at least ${minLength} characters`,
        });
      return content;
    });
}

/** A CA bundle in PEM: its file must hold at least one certificate. */
const pemFile = secretFile().refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), {
  message: 'the file holds no PEM certificate',
});

export const securityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof securityProtocols)[number];

const mechanisms = {
  'SCRAM-SHA-512': 'scram-sha-512',
  'SCRAM-SHA-256': 'scram-sha-256',
  PLAIN: 'plain',
} as const;

/** The variables, under the names Kafka's own clients use for these settings where they can. */
export const connectionVariables = {
  /** PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL, as in Kafka's `security.protocol`. */
  KAFKA_SECURITY_PROTOCOL: z.enum(securityProtocols).default('PLAINTEXT'),
  KAFKA_SASL_MECHANISM: z
    .enum(Object.keys(mechanisms) as [keyof typeof mechanisms, ...(keyof typeof mechanisms)[]])
    .default('SCRAM-SHA-512'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** Never logged; or KAFKA_SASL_PASSWORD_FILE naming a file that holds it. */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: secretFile().optional(),
  /** CA certificates (PEM) to trust for SSL/SASL_SSL instead of the system's. */
  KAFKA_SSL_CA_FILE: pemFile.optional(),
  /** HTTP basic auth for the schema registry (both or neither). */
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD_FILE: secretFile().optional(),
};

const connectionSchema = z.object(connectionVariables);
export type ConnectionConfig = z.output<typeof connectionSchema>;

/**
 * Cross-variable rules, for `superRefine`: SASL needs a user and exactly one password source; the
 * registry's user and password come together. Credentials for a protocol without SASL are ignored
 * (the stack sets KAFKA_SASL_* for its own listener, and PLAINTEXT clients share that shell).
 */
export function checkConnection(config: ConnectionConfig, ctx: z.RefinementCtx): void {
  const problem = (path: keyof ConnectionConfig, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message });
  };
  if (config.KAFKA_SECURITY_PROTOCOL.startsWith('SASL_')) {
    if (config.KAFKA_SASL_USERNAME === undefined)
      problem(
        'KAFKA_SASL_USERNAME',
        `required with KAFKA_SECURITY_PROTOCOL=${config.KAFKA_SECURITY_PROTOCOL}`,
      );
    passwordSource(
      problem,
      'KAFKA_SASL_PASSWORD',
      config.KAFKA_SASL_PASSWORD,
      config.KAFKA_SASL_PASSWORD_FILE,
      {
        required: true,
      },
    );
  }
  const registryPassword = passwordSource(
    problem,
    'SCHEMA_REGISTRY_PASSWORD',
    config.SCHEMA_REGISTRY_PASSWORD,
    config.SCHEMA_REGISTRY_PASSWORD_FILE,
    { required: config.SCHEMA_REGISTRY_USERNAME !== undefined },
  );
  if (registryPassword && config.SCHEMA_REGISTRY_USERNAME === undefined)
    problem('SCHEMA_REGISTRY_USERNAME', 'required with a registry password');
}

function passwordSource(
  problem: (path: keyof ConnectionConfig, message: string) => void,
  variable: 'KAFKA_SASL_PASSWORD' | 'SCHEMA_REGISTRY_PASSWORD',
  value: string | undefined,
  file: string | undefined,
  { required }: { required: boolean },
): boolean {
  if (value !== undefined && file !== undefined)
    problem(`${variable}_FILE`, `set only one of ${variable} and ${variable}_FILE`);
  else if (required && value === undefined && file === undefined)
    problem(variable, `required: set ${variable} or ${variable}_FILE`);
  return value !== undefined || file !== undefined;
}

/**
 * kafkajs' `ssl` and `sasl` options for the configured protocol. With a wrong password the first
 * connection fails with KafkaJSSASLAuthenticationError, which kafkajs does not retry.
 *
 * @example
 *   new Kafka({ clientId: 'order', brokers, ...kafkaSecurity(config) })
 */
export function kafkaSecurity(config: ConnectionConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const protocol = config.KAFKA_SECURITY_PROTOCOL;
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const ssl = tls
    ? config.KAFKA_SSL_CA_FILE === undefined
      ? true
      : { ca: [config.KAFKA_SSL_CA_FILE] }
    : undefined;
  if (!protocol.startsWith('SASL_')) return ssl === undefined ? {} : { ssl };
  const username = config.KAFKA_SASL_USERNAME;
  const password = config.KAFKA_SASL_PASSWORD ?? config.KAFKA_SASL_PASSWORD_FILE;
  if (username === undefined || password === undefined)
    throw new Error(`KAFKA_SECURITY_PROTOCOL=${protocol} needs KAFKA_SASL_USERNAME and a password`);
  const sasl = { mechanism: mechanisms[config.KAFKA_SASL_MECHANISM], username, password } as SASLOptions;
  return ssl === undefined ? { sasl } : { ssl, sasl };
}

/**
 * `@kafkajs/confluent-schema-registry`'s `auth` option, when the registry takes basic auth.
 *
 * @example
 *   new SchemaRegistry({ host: config.SCHEMA_REGISTRY_URL, ...registryAuth(config) })
 */
export function registryAuth(config: ConnectionConfig): { auth?: { username: string; password: string } } {
  const username = config.SCHEMA_REGISTRY_USERNAME;
  const password = config.SCHEMA_REGISTRY_PASSWORD ?? config.SCHEMA_REGISTRY_PASSWORD_FILE;
  return username === undefined || password === undefined ? {} : { auth: { username, password } };
}

/** The variables parsed on their own (the DLQ command line's case), problems named at once. */
export function parseConnection(env: NodeJS.ProcessEnv): ConnectionConfig {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = connectionSchema.superRefine(checkConnection).safeParse(set);
  if (parsed.success) return parsed.data;
  throw new Error(
    `invalid connection settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
  );
}
