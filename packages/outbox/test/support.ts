/** Shared test plumbing: a database of the test's own, topics of its own, a consumer that collects. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connect, migrate } from '@acme/postgres';
import {
  createTopic as createNamedTopic,
  scratchDatabase as createScratchDatabase,
  testStack,
  withDeadline,
} from '@acme/testing';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { Kysely } from 'kysely';
import { outboxMigrations, type OutboxDatabase } from '../src/index.js';

export { consumeUntil, deleteTopics } from '@acme/testing';

export interface ScratchDatabase {
  url: string;
  db: Kysely<OutboxDatabase>;
  drop(): Promise<void>;
}

/** The outbox table name is fixed, so every test file works in a database created for it. */
export async function scratchDatabase(): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase(testStack(), 'outbox_test');
  const db = connect<OutboxDatabase>({ url: scratch.url, max: 4 });
  await migrate(db, outboxMigrations);
  return {
    url: scratch.url,
    db,
    async drop() {
      await db.destroy();
      await scratch.drop();
    },
  };
}

/** A topic of the test's own. */
export function createTopic(client: Kafka, partitions = 3): Promise<string> {
  return createNamedTopic(client, 'outbox.test', partitions);
}

export function kafka(): Kafka {
  return new Kafka({
    clientId: 'outbox-test',
    brokers: testStack().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}

/** Per key, the order in which each value was first seen: what at-least-once with per-key order promises. */
export function firstOccurrences(messages: KafkaMessage[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const m of messages) {
    const key = m.key?.toString() ?? '';
    const value = m.value?.toString() ?? '';
    if (seen.has(`${key}\u0000${value}`)) continue;
    seen.add(`${key}\u0000${value}`);
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  return byKey;
}

export interface RelayProcess {
  child: ChildProcess;
  /** Resolves once the child's relay reports this state. */
  reached(state: 'active' | 'standby'): Promise<void>;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
}

/** A relay in a child process of its own, so a test can SIGKILL it like a crashed pod. */
export function startRelayProcess(env: Record<string, string>): RelayProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(__dirname, 'fixtures', 'relay-process.ts')],
    {
      cwd: join(__dirname, '..'),
      env: { ...process.env, KAFKA_BROKERS: testStack().kafkaBrokers.join(','), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const states: string[] = [];
  const waiters: { state: string; resolve: () => void }[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const { state } = JSON.parse(line) as { state?: string };
      if (state === undefined) continue;
      states.push(state);
      for (const w of waiters.filter((x) => x.state === state)) w.resolve();
    }
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    child,
    exited,
    reached: (state) =>
      withDeadline(
        states.includes(state)
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiters.push({ state, resolve })),
        30_000,
        `waiting for the relay process to become ${state}`,
      ),
  };
}
