import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackEnvironment, type TestStack } from '@acme/testing';
import { freePort, startService, type ServiceProcess } from './service-process.js';

export const serviceNames = ['order', 'inventory', 'payment', 'notification', 'analytics'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Each service's own database, as the stack creates them. */
export const defaultDatabases: Record<ServiceName, string> = {
  order: 'orders',
  inventory: 'inventory',
  payment: 'payments',
  notification: 'notifications',
  analytics: 'analytics',
};

export interface SystemOptions {
  stack: TestStack;
  /** Where the services' logs go (one file each). */
  logDir: string;
  /** SMTP server the notification service sends to (`smtp://127.0.0.1:<port>`). */
  smtpUrl: string;
  /** Topic and consumer-group prefix; isolates a run from others on the same cluster. */
  topicPrefix?: string;
  /** Database per service (default: the stack's `orders`, `inventory`, …). */
  databases?: Partial<Record<ServiceName, string>>;
  /** Fixed ports (the demo); free ports are picked otherwise. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra variables for every service, and per service. */
  env?: NodeJS.ProcessEnv;
  serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  logLevel?: string;
  /** Flags for node itself, per service (e.g. `--cpu-prof` to profile one). */
  nodeArgs?: Partial<Record<ServiceName, string[]>>;
  /** Each service in a process group of its own (see `StartServiceOptions.ownProcessGroup`). */
  ownProcessGroups?: boolean;
  /** Aborting stops the services already started and those still starting, and rejects. */
  signal?: AbortSignal;
}

export interface System {
  services: Record<ServiceName, ServiceProcess>;
  url(name: ServiceName): string;
  /** The secret the payment service checks webhooks with (the provider's shared secret). */
  webhookSecret: string;
  /** The HS256 secret every service verifies bearer tokens with (AUTH_JWT_SECRET); `client` mints with it. */
  authSecret: string;
  topicPrefix: string;
  databases: Record<ServiceName, string>;
  stop(): Promise<void>;
}

/**
 * The five services, each its own OS process from its built output, started in parallel
 * and ready (`/health/ready`) when this resolves. `stop` shuts each down gracefully (SIGTERM).
 */
export async function startSystem(options: SystemOptions): Promise<System> {
  const topicPrefix = options.topicPrefix ?? '';
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const authSecret = options.env?.AUTH_JWT_SECRET ?? randomBytes(32).toString('base64url');
  const databases = { ...defaultDatabases, ...options.databases };
  const shared: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    ...stackEnvironment(options.stack),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    LOG_LEVEL: options.logLevel ?? 'info',
    AUTH_JWT_SECRET: authSecret,
    ...options.env,
  };
  const ports = Object.fromEntries(
    await Promise.all(
      serviceNames.map(async (name) => [name, options.ports?.[name] ?? (await freePort())] as const),
    ),
  ) as Record<ServiceName, number>;
  const perService: Record<ServiceName, NodeJS.ProcessEnv> = {
    order: {},
    inventory: {},
    payment: { PAYMENT_WEBHOOK_SECRET: webhookSecret },
    notification: { SMTP_URL: options.smtpUrl },
    analytics: {},
  };
  const started: ServiceProcess[] = [];
  const settled = await Promise.allSettled(
    serviceNames.map(async (name) => {
      const service = await startService({
        name,
        port: ports[name],
        logDir: options.logDir,
        ...(options.nodeArgs?.[name] ? { nodeArgs: options.nodeArgs[name] } : {}),
        ...(options.ownProcessGroups ? { ownProcessGroup: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        env: {
          ...shared,
          DATABASE_NAME: databases[name],
          ...perService[name],
          ...options.serviceEnv?.[name],
        },
      });
      started.push(service);
      return service;
    }),
  );
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failures.length > 0) {
    await Promise.all(started.map((s) => s.stop()));
    throw new Error(
      failures.map((f) => String(f.reason instanceof Error ? f.reason.message : f.reason)).join('\n\n'),
    );
  }
  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<ServiceName, ServiceProcess>;
  const unscrape = registerScrapeTargets(options.stack, services, topicPrefix);
  return {
    services,
    url: (name) => services[name].url,
    webhookSecret,
    authSecret,
    topicPrefix,
    databases,
    stop: async () => {
      await Promise.all(started.map((s) => s.stop()));
      unscrape();
    },
  };
}

/**
 * Let the stack's Prometheus scrape the services' /metrics: one file_sd file for the run (written
 * whole, then renamed, so Prometheus never reads half of it). Returns its removal.
 */
function registerScrapeTargets(
  stack: TestStack,
  services: Record<ServiceName, ServiceProcess>,
  topicPrefix: string,
): () => void {
  const dir = stack.prometheusTargetsDir;
  if (!dir) return () => undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `system-${randomUUID().slice(0, 8)}.json`);
  const groups = Object.values(services).map((s) => ({
    targets: [new URL(s.url).host],
    labels: { service: s.name, ...(topicPrefix ? { run: topicPrefix.replace(/\.$/, '') } : {}) },
  }));
  writeFileSync(`${file}.tmp`, JSON.stringify(groups));
  renameSync(`${file}.tmp`, file);
  return () => {
    rmSync(file, { force: true });
  };
}

/** A log directory per run under the stack's state folder (gitignored). */
export function runLogDir(stackDir: string, label: string): string {
  return join(
    stackDir,
    'logs',
    'services',
    `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 4)}`,
  );
}
