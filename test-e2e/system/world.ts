import { randomUUID } from 'node:crypto';
import { connect } from '@acme/postgres';
import { EventTap, type TappedEvent } from '@acme/service/testing';
import { loadStackConfig } from '@acme/stack';
import {
  deleteTopicsWithPrefix,
  eventually,
  scratchDatabase,
  startSmtpSink,
  testStack,
  type ScratchDatabase,
  type SmtpSink,
  type TestStack,
} from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { client, type Client, type PlaceOrderBody, type Reply, type OrderView } from './api.js';
import { runLogDir, serviceNames, startSystem, type ServiceName, type System } from './system.js';

/**
 * The whole lifecycle on the real stack for one test file: the four services as OS processes,
 * each on a scratch database, all on topics under a prefix of the file's own; an SMTP sink for
 * notification; an `EventTap` on every contract topic; a client for the HTTP APIs.
 */
export interface SystemWorld {
  stack: TestStack;
  system: System;
  api: Client;
  tap: EventTap;
  smtp: SmtpSink;
  /** A database of one service, to check what was (not) written. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a probe across every app's tables
  db(name: ServiceName): Kysely<any>;
  /**
   * POST /orders once the order service knows every SKU of the order: its catalogue follows
   * inventory's stock-added events, so right after seeding it may still answer "unknown sku".
   */
  placeWhenKnown(body: PlaceOrderBody): Promise<Reply<OrderView>>;
  /** Add stock and wait until the order service accepts orders for the SKU. */
  seed(sku: string, quantity: number): Promise<void>;
  /** Waits until the order is in one of `statuses`; returns its view. */
  settled(orderId: string, statuses?: readonly OrderView['status'][], timeoutMs?: number): Promise<OrderView>;
  close(): Promise<void>;
}

export async function systemWorld(
  label: string,
  serviceEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {},
  options: {
    stack?: TestStack;
    logLevel?: string;
    /** Keep every tapped event for `tap.about` (default); a benchmark counts with `onEvent` instead. */
    keepEvents?: boolean;
    onEvent?: (event: TappedEvent) => void;
    nodeArgs?: Partial<Record<ServiceName, string[]>>;
    /** Fixed ports (e.g. payment's, for the simulator's webhooks to find it); free ones otherwise. */
    ports?: Partial<Record<ServiceName, number>>;
    /** Variables for every service (e.g. how they reach Kafka and the registry). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<SystemWorld> {
  const stack = options.stack ?? testStack();
  const prefix = `e2e-${randomUUID().slice(0, 8)}.`;
  const scratches = Object.fromEntries(
    await Promise.all(
      serviceNames.map(async (name) => [name, await scratchDatabase(stack, `e2e_${name}`)] as const),
    ),
  ) as Record<ServiceName, ScratchDatabase>;
  const kafka = new Kafka({
    clientId: `${prefix}world`,
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const tap = await EventTap.start(kafka, stack.schemaRegistryUrl, prefix, {
    keep: options.keepEvents ?? true,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const smtp = await startSmtpSink();
  const pools = new Map<ServiceName, Kysely<unknown>>();
  let system: System;
  try {
    system = await startSystem({
      stack,
      logDir: runLogDir(loadStackConfig(process.env).stackDir, label),
      smtpUrl: smtp.url,
      topicPrefix: prefix,
      databases: Object.fromEntries(serviceNames.map((n) => [n, scratches[n].name])),
      serviceEnv,
      ...(options.env ? { env: options.env } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
      ...(options.ports ? { ports: options.ports } : {}),
    });
  } catch (error) {
    await Promise.allSettled([tap.stop(), smtp.close()]);
    throw error;
  }
  const api = client(system);

  const placeWhenKnown = (body: PlaceOrderBody) =>
    eventually(
      async () => {
        const reply = await api.placeOrder(body);
        const unknownSku =
          reply.status === 400 &&
          JSON.stringify(reply.body).includes('sku') &&
          /unknown|not (sold|known)/i.test(JSON.stringify(reply.body));
        return unknownSku ? undefined : reply;
      },
      {
        timeoutMs: 20_000,
        intervalMs: 100,
        description: `the order service to know ${body.lines.map((l) => l.sku).join(', ')}`,
      },
    );

  const db = (name: ServiceName): Kysely<unknown> => {
    let pool = pools.get(name);
    if (!pool) {
      pool = connect({ url: scratches[name].url, max: 2 });
      pools.set(name, pool);
    }
    return pool;
  };

  return {
    stack,
    system,
    api,
    tap,
    smtp,
    db,
    placeWhenKnown,
    seed: async (sku, quantity) => {
      const added = await api.addStock(sku, quantity);
      if (added.status >= 300)
        throw new Error(`seeding ${sku}: ${added.status} ${JSON.stringify(added.body)}`);
      const event = await tap.waitFor('com.acme.inventory.stock-added.v1', sku);
      // Sellable once the order service has recorded it in its catalogue (its inbox has the event).
      const orders = db('order');
      await eventually(
        async () => {
          const { rows } = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM inbox WHERE message_id = ${event.envelope.id}`.execute(orders);
          return (rows[0]?.n ?? 0) > 0 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 50, description: `the order service to know ${sku}` },
      );
    },
    settled: (orderId, statuses = ['confirmed', 'cancelled', 'shipped'], timeoutMs = 30_000) =>
      eventually(
        async () => {
          const { status, body } = await api.order(orderId);
          return status === 200 && statuses.includes(body.status) ? body : undefined;
        },
        { timeoutMs, intervalMs: 100, description: `order ${orderId} to be ${statuses.join(' or ')}` },
      ),
    close: async () => {
      await system.stop();
      await Promise.allSettled([tap.stop(), smtp.close(), ...[...pools.values()].map((p) => p.destroy())]);
      await deleteTopicsWithPrefix(kafka, prefix);
      await Promise.allSettled(Object.values(scratches).map((s) => s.drop()));
    },
  };
}
