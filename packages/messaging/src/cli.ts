#!/usr/bin/env node
/**
 * dlq <list|replay> — what a consumer group parked on its dead-letter topic, and feeding it back.
 *
 *   pnpm dlq list   --database inventory --group inventory [--error-class PermanentError] [--json]
 *   pnpm dlq replay --database inventory --group inventory --event-id 6f1c... --dry-run
 *
 * Connections come from the environment: DATABASE_URL (the Postgres server; `--database` names
 * the service database on it) and, for replay, KAFKA_BROKERS. Exit codes: 0 done, 1 failed
 * (database, Kafka), 2 wrong usage (flags, environment, selection) with nothing written.
 */
import { realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { connect } from '@acme/postgres';
import { cliProgram, processIo, runProgram, UsageError, type CliIo as BaseIo } from '@acme/cli';
import { InvalidArgumentError, type Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import { kafkaSecurity, parseConnection, type ConnectionConfig } from './connection.js';
import { replayTopic } from './consumer/dead-letter.js';
import {
  InvalidSelectionError,
  listDeadLetters,
  replayDeadLetters,
  validateSelection,
  type DeadLetterSummary,
  type ReplaySelection,
} from './replay.js';

/** Where the CLI reads its environment and writes its output (the process's, unless a test says). */
export interface CliIo extends BaseIo {
  /** Who runs it, for the audit's `requestedBy` default (`cli:<user>`); default: the OS user. */
  user?: string;
}

export { exitCodes, UsageError } from '@acme/cli';

interface SelectionFlags {
  database: string;
  group: string;
  eventId?: string[];
  errorClass?: string;
  from?: Date;
  to?: Date;
  all?: boolean;
  json?: boolean;
}

interface ListFlags extends SelectionFlags {
  limit: number;
}

interface ReplayFlags extends SelectionFlags {
  dryRun?: boolean;
  by?: string;
}

/**
 * The `dlq` program, wired to `io`. Errors are thrown, not exited on (commander's `exitOverride`),
 * so `runDlq` maps them to exit codes and tests can drive it in-process.
 *
 * @example
 *   await buildProgram(io).parseAsync(['list', '--database', 'inventory', '--group', 'inventory'], { from: 'user' });
 */
export function buildProgram(io: CliIo = processIo()): Command {
  const program = cliProgram('dlq', io)
    .description('List and replay the messages a consumer group parked on its dead-letter topic.')
    .showHelpAfterError('(run with --help for usage)');

  withSelection(program.command('list'))
    .description('list the parked messages of a group (all of them unless criteria are given), oldest first')
    .option('--limit <n>', 'at most this many rows', parseLimit, 100)
    .action(async (flags: ListFlags) => {
      const criteria = selectionOf(flags);
      const selection = Object.keys(criteria).length > 0 ? criteria : { all: true };
      validateSelection(selection);
      const rows = await withDatabase(io, flags.database, (db) =>
        listDeadLetters(db, flags.group, selection, flags.limit),
      );
      if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length === 0) io.out(`no parked messages in group ${flags.group} match\n`);
      else io.out(`${table(rows)}${rows.length} parked message(s) in group ${flags.group}\n`);
    });

  withSelection(program.command('replay'))
    .description(`send the selected parked messages back to their group (on <group>.replay); audited`)
    .option('--dry-run', 'list what would be replayed and audit the request, send nothing')
    .option('--by <name>', 'who asks, for the audit (default cli:<os user>)')
    .action(async (flags: ReplayFlags) => {
      const selection = selectionOf(flags);
      if (Object.keys(selection).length === 0)
        throw new UsageError(
          'say which messages to replay: --all, --event-id, --error-class, --from or --to',
        );
      validateSelection(selection);
      const brokers = required(io, 'KAFKA_BROKERS', 'the Kafka bootstrap servers, e.g. 127.0.0.1:9092')
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== '');
      const dryRun = flags.dryRun ?? false;
      const requestedBy = flags.by ?? `cli:${io.user ?? osUser(io)}`;
      const kafka = new Kafka({
        clientId: 'dlq-cli',
        brokers,
        logLevel: logLevel.NOTHING,
        ...kafkaSecurity(connection(io)),
      });
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      const result = await withDatabase(io, flags.database, async (db) => {
        // A dry run sends nothing, so it needs no connection to Kafka.
        if (!dryRun) await producer.connect();
        try {
          return await replayDeadLetters(db, producer, {
            group: flags.group,
            selection,
            dryRun,
            requestedBy,
          });
        } finally {
          if (!dryRun) await producer.disconnect();
        }
      });
      if (flags.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (result.matched.length > 0) io.out(table(result.matched));
      io.out(
        result.dryRun
          ? `dry run: ${result.matched.length} parked message(s) in group ${flags.group} match; nothing was sent (audit #${result.replayId})\n`
          : `replayed ${result.replayed} message(s) of group ${flags.group} to ${replayTopic(flags.group)} (audit #${result.replayId})\n`,
      );
    });

  return program;
}

/**
 * Run `dlq` with these arguments (without the program name); resolves to the exit code.
 *
 * @example
 *   process.exitCode = await runDlq(process.argv.slice(2));
 */
export function runDlq(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(buildProgram(io), argv, io, { usageErrors: [InvalidSelectionError] });
}

function withSelection(command: Command): Command {
  return command
    .requiredOption('--database <name>', 'the service database on the DATABASE_URL server')
    .requiredOption('--group <group>', 'the consumer group')
    .option('--event-id <id...>', 'only these event ids (ce_id); repeatable')
    .option('--error-class <class>', 'only messages that failed with this error class, e.g. PermanentError')
    .option('--from <time>', 'only messages parked at or after this ISO 8601 time', parseTime)
    .option('--to <time>', 'only messages parked before this ISO 8601 time', parseTime)
    .option('--all', 'every parked message of the group (not combinable with other criteria)')
    .option('--json', 'machine-readable output');
}

function selectionOf(flags: SelectionFlags): ReplaySelection {
  return {
    ...(flags.all ? { all: true } : {}),
    ...(flags.eventId?.length ? { eventIds: flags.eventId } : {}),
    ...(flags.errorClass ? { errorClass: flags.errorClass } : {}),
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.to ? { to: flags.to } : {}),
  };
}

const isoTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseTime(value: string): Date {
  const time = new Date(value);
  if (!isoTime.test(value) || Number.isNaN(time.getTime()))
    throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-11-23T14:00:00Z');
  return time;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  return limit;
}

/** SASL/TLS settings from the same variables the services read; a bad one is wrong usage. */
function connection(io: CliIo): ConnectionConfig {
  try {
    return parseConnection(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function required(io: CliIo, name: string, what: string): string {
  const value = io.env[name]?.trim();
  if (!value)
    throw new UsageError(`${name} is not set: ${what} (\`pnpm -s stack env\` prints it for the local stack)`);
  return value;
}

async function withDatabase<T>(
  io: CliIo,
  database: string,
  work: (db: Kysely<unknown>) => Promise<T>,
): Promise<T> {
  const url = required(
    io,
    'DATABASE_URL',
    'the Postgres server URL, e.g. postgres://user:password@127.0.0.1:5432',
  );
  const db = connect<unknown>({ url, database, max: 2, applicationName: 'dlq-cli' });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function osUser(io: CliIo): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers).
    return io.env.USER ?? 'unknown';
  }
}

function table(rows: readonly DeadLetterSummary[]): string {
  const header = ['ID', 'PARKED AT', 'EVENT ID', 'TYPE', 'REASON', 'ATTEMPTS', 'SOURCE', 'ERROR'];
  const cells = rows.map((r) => [
    r.id,
    r.parkedAt,
    r.eventId ?? '-',
    r.eventType ?? '-',
    r.reason,
    String(r.attempts),
    `${r.source.topic}/${r.source.partition}@${r.source.offset}`,
    clip(`${r.errorClass}: ${r.errorMessage}`, 80),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  return [header, ...cells]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

// Run only as a program (`pnpm dlq`, the package's `dlq` bin), not when imported.
if (isEntryPoint()) {
  void runDlq(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
