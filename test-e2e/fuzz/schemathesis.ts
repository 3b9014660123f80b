/**
 * One `st run` (schemathesis 4) against one service's OpenAPI document, as one caller, in one
 * generation mode — and what it sent and got back, read from its NDJSON report.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '../system/system.js';
import type { Caller } from './operations.js';

/** `negative`: inputs that violate the document (they must all be refused); `positive`: valid ones. */
export type Mode = 'negative' | 'positive';

/** Fixed, so CI fuzzes with the same generated inputs on every run; change it to explore further. */
export const seed = 20_261_204;
/** Fuzzing-phase cases per operation (the coverage phase adds its own, deterministic ones). */
const maxExamples = 20;
const requestTimeoutSeconds = 5;
/** A run that takes longer is stopped and fails, so a hung request cannot stall jest. */
const runDeadlineMs = 90_000;

/**
 * Every check of schemathesis 4.32 but two, which fail on correct behaviour here:
 * - unsupported_method expects 405 for a method a path does not document; Express, under Nest,
 *   answers 404 for any method and path it has no route for, and the services add no 405 routes.
 * - positive_data_acceptance expects a 2xx for every schema-valid input; valid is not always accepted
 *   here: an unknown SKU is a 400, an order nobody placed a 404, a second rebuild a 409 — each one
 *   documented, and held to the document by status_code_conformance.
 * What stays on: not_a_server_error, the status code, content type, header and schema
 * conformance checks, negative_data_rejection (a request that violates the document must get a
 * 4xx), missing_required_header, ignored_auth (a secured operation must refuse a request without
 * its token), and the stateful and object-level checks — which, with one token per run and no
 * stateful phase, have little to compare.
 */
export const checks = ['all'];
export const excludedChecks = ['unsupported_method', 'positive_data_acceptance'];

export interface FuzzOptions {
  /** The schemathesis executable (`ensureSchemathesis()`). */
  st: string;
  service: ServiceName;
  caller: Caller;
  /** The service's base URL; its document is at `/docs/json`. */
  baseUrl: string;
  token: string;
  operationIds: readonly string[];
  mode: Mode;
  /** This run's own directory: reports, and the cache schemathesis keeps in its working directory. */
  dir: string;
}

/** One request schemathesis sent, and the answer. */
export interface Exchange {
  /** `POST /orders`, as the document names the operation. */
  operation: string;
  /** What the generator meant to send: "Missing request body", "violates `maxLength` at …". */
  scenario: string;
  mode: string;
  /**
   * Whether schemathesis held this request to `negative_data_rejection`: it violates what the
   * document declares. Not every negative-mode request does — a malformed Content-Type on an
   * operation that takes no body violates nothing the operation reads.
   */
  violatesDocument: boolean;
  request: string;
  status: number | undefined;
  correlationId: string | undefined;
  /** The start of the response body. */
  body: string;
}

export interface FuzzRun {
  /** `negative · order · customer` */
  label: string;
  service: ServiceName;
  exitCode: number | null;
  /** What `st run` printed (its report of failures, with a curl for each). */
  output: string;
  exchanges: Exchange[];
}

/** Run schemathesis once; resolves when it has exited, whatever it found. */
export async function fuzz(options: FuzzOptions): Promise<FuzzRun> {
  mkdirSync(options.dir, { recursive: true });
  const ndjson = join(options.dir, 'report.ndjson');
  const args = [
    'run',
    `${options.baseUrl}/docs/json`,
    '--header',
    `Authorization: Bearer ${options.token}`,
    ...options.operationIds.flatMap((id) => ['--include-operation-id', id]),
    '--mode',
    options.mode,
    // The documents declare no links, so there is no stateful phase to run.
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(maxExamples),
    '--seed',
    String(seed),
    '--workers',
    '1',
    '--request-timeout',
    String(requestTimeoutSeconds),
    // No example database: a failure found once must not steer later runs' generation.
    '--generation-database',
    'none',
    '--checks',
    checks.join(','),
    '--exclude-checks',
    excludedChecks.join(','),
    '--report',
    'ndjson',
    '--report-ndjson-path',
    ndjson,
    '--no-color',
  ];
  const label = `${options.mode} · ${options.service} · ${options.caller}`;
  const { exitCode, output } = await runBounded(options.st, args, options.dir);
  let exchanges: Exchange[] = [];
  try {
    exchanges = readExchanges(readFileSync(ndjson, 'utf8'));
  } catch (error) {
    // No report: the run failed before testing; its output says why, and the exit code fails it.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { label, service: options.service, exitCode, output, exchanges };
}

function runBounded(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n(stopped: still running after ${runDeadlineMs / 1000} s)\n`;
      child.kill('SIGKILL');
    }, runDeadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, output });
    });
  });
}

interface Recorder {
  label: string;
  checks?: Record<string, { name: string }[]>;
  cases?: Record<
    string,
    {
      value: {
        meta?: { generation?: { mode?: string }; phase?: { data?: { description?: string } } };
      };
    }
  >;
  interactions?: Record<
    string,
    {
      request: { method: string; uri: string; body?: string | { $base64: string } | null };
      response?: {
        status_code: number;
        headers?: Record<string, string[]>;
        content?: string | { $base64: string } | null;
      } | null;
    }
  >;
}

/** Every request in an NDJSON report (one `ScenarioFinished` per operation and phase). */
export function readExchanges(ndjson: string): Exchange[] {
  const exchanges: Exchange[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const { recorder } = (JSON.parse(line) as { ScenarioFinished: { recorder: Recorder } }).ScenarioFinished;
    for (const [id, interaction] of Object.entries(recorder.interactions ?? {})) {
      const meta = recorder.cases?.[id]?.value.meta;
      const response = interaction.response ?? undefined;
      exchanges.push({
        operation: recorder.label,
        scenario: shorten(meta?.phase?.data?.description ?? '', 160),
        mode: meta?.generation?.mode ?? '',
        violatesDocument: (recorder.checks?.[id] ?? []).some((c) => c.name === 'negative_data_rejection'),
        request: describeRequest(interaction.request),
        status: response?.status_code,
        correlationId: response?.headers?.['x-correlation-id']?.[0],
        body: decode(response?.content).slice(0, 300),
      });
    }
  }
  return exchanges;
}

/** Long scenario texts quote whole regular expressions; the start says enough. */
function shorten(text: string, length: number): string {
  const line = text.replace(/\s*\n\s*/g, '; ');
  return line.length <= length ? line : `${line.slice(0, length - 1)}…`;
}

function describeRequest(request: {
  method: string;
  uri: string;
  body?: string | { $base64: string } | null;
}): string {
  const body = decode(request.body);
  return `${request.method} ${request.uri}${body === '' ? '' : ` ${JSON.stringify(body.slice(0, 300))}`}`;
}

function decode(content: string | { $base64: string } | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : Buffer.from(content.$base64, 'base64').toString('utf8');
}

/**
 * What schemathesis printed about its failures and errors — per failure the operation, the
 * check, the response and a curl to reproduce it (the token shows as `[Filtered]`) — or, when it
 * failed without such a section, the end of its output.
 */
export function schemathesisReport(run: FuzzRun): string {
  const lines = run.output.split('\n');
  const report: string[] = [];
  let inside = false;
  for (const line of lines) {
    const header = /^=+ (\w+) =+$/.exec(line.trim());
    if (header) inside = header[1] === 'FAILURES' || header[1] === 'ERRORS';
    if (inside) report.push(line);
  }
  if (report.length > 0) return report.join('\n').trimEnd();
  return lines.slice(-25).join('\n').trimEnd();
}

/**
 * The service's own error lines behind the 5xx answers of a run, found by the correlation id each
 * answer carries (`x-correlation-id`): the message of each, not the stack.
 */
export function serverErrorLines(run: FuzzRun, logFile: string): string[] {
  const failed = run.exchanges.filter((e) => (e.status ?? 0) >= 500);
  if (failed.length === 0) return [];
  const log = readFileSync(logFile, 'utf8').split('\n');
  return failed.map((exchange) => {
    const id = exchange.correlationId;
    // pino-http's own "request errored" line only repeats the status; the handler's says why.
    const errors =
      id === undefined
        ? []
        : log.filter((l) => l.includes(id) && /"level":[56]\d/.test(l) && !l.includes('"request errored"'));
    const messages = errors.map((l) => {
      const entry = JSON.parse(l) as { msg?: string; err?: { type?: string; message?: string } };
      return entry.err ? `${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}` : (entry.msg ?? l);
    });
    return (
      `${exchange.status ?? '?'} to ${exchange.request} (${exchange.operation}; ${exchange.scenario})\n` +
      `    answer: ${exchange.body}\n` +
      `    ${logFile}, correlationId ${id ?? '(none)'}: ${[...new Set(messages)].join(' | ') || '(no error line)'}`
    );
  });
}
