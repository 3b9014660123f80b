import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from '@acme/postgres';
import {
  deleteTopicsWithPrefix,
  scratchDatabase,
  stackEnvironment,
  testStack,
  type ScratchDatabase,
} from '@acme/testing';
import type { IEntryNestModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { createServiceApp } from '../bootstrap.js';
import { loadConfig, type PlatformConfig } from '../config.js';
import { EventTap } from './event-tap.js';
import { bearer, signTestToken } from './tokens.js';

export interface ServiceWorldOptions<C extends PlatformConfig> {
  /** `order`, `inventory`, …: also the scratch database's prefix. */
  service: string;
  /** The app's configuration schema (`platformConfigSchema(...).extend(...)`). */
  schema: z.ZodType<C>;
  /** The app's root module for a configuration. */
  module: (config: C) => IEntryNestModule;
  /**
   * Variables on top of the stack's and the world's (scratch database, topic prefix, port 0, a
   * random AUTH_JWT_SECRET unless one of the AUTH_* key variables is given here).
   */
  env?: Record<string, string>;
}

/** Who a test token is for: by default an operator with the admin role. */
export interface WorldTokenOptions {
  subject?: string;
  roles?: readonly string[];
  expiresIn?: string | number;
}

/**
 * One service in-process on the real stack, isolated: a scratch database, its own topic prefix
 * (so its topics and consumer groups are the test's alone), HTTP on an ephemeral port, and an
 * `EventTap` on all contract topics under the prefix — publish what other services would, wait
 * for what this one publishes. `close` removes all of it.
 *
 * @example
 *   const world = await serviceWorld({ service: 'order', schema: orderConfigSchema, module: (c) => AppModule.register(c) });
 *   const res = await fetch(`${world.url}/orders`, { method: 'POST', headers: await world.auth({ subject: 'cust-1', roles: [] }), ... });
 *   await world.tap.waitFor('com.acme.order.placed.v2', orderId);
 *   await world.close();
 */
export interface ServiceWorld<C extends PlatformConfig> {
  url: string;
  app: NestExpressApplication;
  config: C;
  /** The service's (scratch) database. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the app casts it to its Database
  db: Kysely<any>;
  prefix: string;
  kafka: Kafka;
  tap: EventTap;
  /**
   * A bearer token the service accepts (signed with the world's AUTH_JWT_SECRET): an admin
   * (`test-admin`, roles `['admin']`) unless `subject`/`roles` say otherwise.
   */
  token(options?: WorldTokenOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for such a token, to spread into fetch headers. */
  auth(options?: WorldTokenOptions): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export async function serviceWorld<C extends PlatformConfig>(
  options: ServiceWorldOptions<C>,
): Promise<ServiceWorld<C>> {
  const stack = testStack();
  const prefix = `it-${randomUUID().slice(0, 8)}.`;
  const scratch: ScratchDatabase = await scratchDatabase(stack, `${options.service}_it`);
  const kafka = new Kafka({
    clientId: `${prefix}world`,
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const tap = await EventTap.start(kafka, stack.schemaRegistryUrl, prefix);
  const keyGiven = ['AUTH_JWT_SECRET', 'AUTH_JWT_SECRET_FILE', 'AUTH_JWKS_URL'].some(
    (variable) => options.env?.[variable] !== undefined,
  );
  const config = loadConfig(options.service, options.schema, {
    ...stackEnvironment(stack),
    ...(keyGiven ? {} : { AUTH_JWT_SECRET: randomBytes(32).toString('base64url') }),
    DATABASE_NAME: scratch.name,
    HOST: '127.0.0.1',
    PORT: '0',
    KAFKA_TOPIC_PREFIX: prefix,
    // Quiet by default: a test asserts on behaviour; LOG_LEVEL=debug shows the service's side.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...options.env,
  });
  const app = await createServiceApp(options.module(config), config, { title: options.service });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const db = connect({ url: scratch.url, max: 3 });
  const token = (who: WorldTokenOptions = {}): Promise<string> => {
    const secret = config.AUTH_JWT_SECRET ?? config.AUTH_JWT_SECRET_FILE;
    if (secret === undefined)
      throw new Error('the world verifies tokens with a JWKS: sign them with signTestToken and the key');
    return signTestToken({
      secret,
      subject: who.subject ?? 'test-admin',
      roles: who.roles ?? ['admin'],
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ...(who.expiresIn === undefined ? {} : { expiresIn: who.expiresIn }),
    });
  };
  return {
    url,
    app,
    config,
    db,
    prefix,
    kafka,
    tap,
    token,
    auth: async (who) => bearer(await token(who)),
    close: async () => {
      await app.close();
      await tap.stop();
      await db.destroy();
      await deleteTopicsWithPrefix(kafka, prefix);
      await scratch.drop();
    },
  };
}
