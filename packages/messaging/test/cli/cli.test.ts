import { consumeUntil, eventually } from '@acme/testing';
import { buildProgram, runDlq, type CliIo } from '../../src/cli.js';
import {
  headerString,
  MessageConsumer,
  PermanentError,
  replayTopic,
  type DeadLetterSummary,
  type ReplayResult,
} from '../../src/index.js';
import { nestWorld, orderPlaced, type NestWorld } from '../nest/support.js';

// `dlq` driven in-process on a database whose dead letters the real runtime parked.
jest.setTimeout(90_000);

let w: NestWorld;
let group: string;
let first: string;
let second: string;

beforeAll(async () => {
  w = await nestWorld('cli');
  group = w.group('cli');
  const consumer = new MessageConsumer({
    kafka: w.kafka,
    groupId: group,
    topics: [w.topic],
    db: w.db,
    codec: w.codec,
    handlers: [{ type: orderPlaced, handle: () => Promise.reject(new PermanentError('no stock for it')) }],
  });
  await consumer.start();
  try {
    first = await w.publish({ orderId: 'order-1' });
    second = await w.publish({ orderId: 'order-2' });
    await eventually(
      async () =>
        (await w.db.selectFrom('dead_letters').selectAll().execute()).length === 2 ? true : undefined,
      { description: 'both events to be parked' },
    );
  } finally {
    // Stopped, so replayed messages stay on <group>.replay for the test to read.
    await consumer.stop();
  }
});

afterAll(() => w.close());

interface Run {
  code: number;
  out: string;
  err: string;
}

async function dlq(args: string[], env?: Record<string, string | undefined>): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = {
    env: env ?? { DATABASE_URL: w.stack.databaseUrl, KAFKA_BROKERS: w.stack.kafkaBrokers.join(',') },
    out: (text) => (out += text),
    err: (text) => (err += text),
    user: 'tester',
  };
  const code = await runDlq(args, io);
  return { code, out, err };
}

const at = () => ['--database', w.database, '--group', group];
const audits = () => w.db.selectFrom('dlq_replays').selectAll().orderBy('id').execute();

test('list prints a table of the parked messages', async () => {
  const { code, out, err } = await dlq(['list', ...at()]);
  expect(err).toBe('');
  expect(code).toBe(0);
  const lines = out.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ID\s+PARKED AT\s+EVENT ID\s+TYPE\s+REASON\s+ATTEMPTS\s+SOURCE\s+ERROR$/);
  expect(lines).toHaveLength(4);
  expect(lines[1]).toContain(first);
  expect(lines[1]).toContain(`${w.topic}/0@0`);
  expect(lines[1]).toContain('PermanentError: no stock for it');
  expect(lines[2]).toContain(second);
  expect(lines[3]).toBe(`2 parked message(s) in group ${group}`);
});

test('list --json with criteria', async () => {
  const one = await dlq(['list', ...at(), '--event-id', second, '--json']);
  expect(one.code).toBe(0);
  expect((JSON.parse(one.out) as DeadLetterSummary[]).map((d) => d.eventId)).toEqual([second]);
  const both = await dlq([
    'list',
    ...at(),
    '--event-id',
    first,
    second,
    '--error-class',
    'PermanentError',
    '--json',
  ]);
  expect((JSON.parse(both.out) as DeadLetterSummary[]).map((d) => d.eventId)).toEqual([first, second]);
  const none = await dlq(['list', ...at(), '--from', new Date(Date.now() + 60_000).toISOString()]);
  expect(none.out).toBe(`no parked messages in group ${group} match\n`);
});

test('wrong usage exits 2 with the reason', async () => {
  const cases: [string[], Record<string, string | undefined> | undefined, RegExp][] = [
    [['list', '--group', 'g'], undefined, /required option '--database <name>' not specified/],
    [['list', ...at(), '--from', 'yesterday'], undefined, /expected an ISO 8601 time/],
    [['list', ...at(), '--limit', 'many'], undefined, /expected a whole number/],
    [['list', ...at(), '--all', '--error-class', 'X'], undefined, /"all" cannot be combined/],
    [['list', ...at()], {}, /DATABASE_URL is not set/],
    [['replay', ...at()], undefined, /say which messages to replay/],
    [['replay', ...at(), '--all'], { DATABASE_URL: 'postgres://unused' }, /KAFKA_BROKERS is not set/],
    [
      ['replay', ...at(), '--all'],
      {
        DATABASE_URL: 'postgres://unused',
        KAFKA_BROKERS: 'unused:9092',
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      },
      /KAFKA_SASL_USERNAME: required with KAFKA_SECURITY_PROTOCOL=SASL_SSL/,
    ],
    [['purge', ...at()], undefined, /unknown command 'purge'/],
  ];
  for (const [args, env, reason] of cases) {
    const run = await dlq(args, env);
    expect({ args, code: run.code }).toEqual({ args, code: 2 });
    expect(run.err).toMatch(reason);
  }
  expect(await audits()).toHaveLength(0);
});

test('a database that cannot be reached exits 1', async () => {
  const run = await dlq(['list', '--database', 'no_such_database_here', '--group', group]);
  expect(run.code).toBe(1);
  expect(run.err).toMatch(/no_such_database_here/);
});

test('replay --dry-run lists, audits and sends nothing', async () => {
  const { code, out } = await dlq(['replay', ...at(), '--event-id', first, '--dry-run', '--by', 'ops']);
  expect(code).toBe(0);
  const last = (await audits()).at(-1);
  expect(last).toMatchObject({
    consumer_group: group,
    requested_by: 'ops',
    dry_run: true,
    matched: 1,
    replayed: 0,
  });
  expect(out).toContain(first);
  expect(out).toContain(
    `dry run: 1 parked message(s) in group ${group} match; nothing was sent (audit #${String(last?.id)})`,
  );
  const statuses = await w.db.selectFrom('dead_letters').select('status').distinct().execute();
  expect(statuses).toEqual([{ status: 'parked' }]);
});

test('replay --all sends every parked message to <group>.replay, audited as the OS user by default', async () => {
  const { code, out } = await dlq(['replay', ...at(), '--all', '--json']);
  expect(code).toBe(0);
  const result = JSON.parse(out) as ReplayResult;
  expect(result).toMatchObject({ dryRun: false, replayed: 2 });
  expect((await audits()).at(-1)).toMatchObject({ requested_by: 'cli:tester', dry_run: false, replayed: 2 });
  const sent = await consumeUntil(w.kafka, replayTopic(group), (messages) => messages.length >= 2);
  expect(sent.map((m) => headerString(m.headers, 'ce_id'))).toEqual([first, second]);
  const statuses = await w.db.selectFrom('dead_letters').select('status').distinct().execute();
  expect(statuses).toEqual([{ status: 'replayed' }]);
});

test('buildProgram is the whole program: help goes to the given output', async () => {
  let out = '';
  const program = buildProgram({ env: {}, out: (text) => (out += text), err: () => undefined });
  await expect(program.parseAsync(['--help'], { from: 'user' })).rejects.toMatchObject({
    code: 'commander.helpDisplayed',
  });
  expect(out).toMatch(/Usage: dlq/);
  expect(out).toMatch(/list \[options\]/);
  expect(out).toMatch(/replay \[options\]/);
  expect((await dlq(['replay', '--help'])).code).toBe(0);
});
