/**
 * analytics rebuild — rebuild the read model of a running analytics service, blue/green, and
 * follow it to the switch with a progress bar (messages read, rate, lag, ETA).
 *
 *   pnpm --filter @acme/analytics rebuild                # start one (or follow the running one)
 *   pnpm --filter @acme/analytics rebuild --no-wait      # start and return
 *   pnpm --filter @acme/analytics rebuild --abandon      # give up the one in progress
 *
 * The service is at ANALYTICS_URL (default http://127.0.0.1:3005) unless `--url` says otherwise.
 * Exit codes: 0 done, 1 failed (service unreachable, erroring, or the deadline passed), 2 usage.
 */
import { cliProgram, runProgram, type CliIo as BaseIo } from '@acme/cli';
import { InvalidArgumentError, type Command } from 'commander';
import { SingleBar } from 'cli-progress';

export interface CliIo extends BaseIo {
  /** Draw a live bar (a terminal); otherwise print a line every few seconds. */
  tty?: boolean;
}

export const defaultAnalyticsUrl = 'http://127.0.0.1:3005';

interface Generation {
  generation: number;
  schema: string;
  status: string;
}

interface Status {
  active?: Generation;
  building?: Generation & {
    progress: {
      done: number;
      total: number;
      lag: number;
      messagesPerSecond: number | null;
      etaSeconds: number | null;
    } | null;
  };
}

interface Flags {
  url?: string;
  wait: boolean;
  abandon?: boolean;
  timeout: number;
}

class FailedError extends Error {
  override readonly name = 'FailedError';
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('must be a positive number of seconds');
  return value;
}

export function buildProgram(io: CliIo): Command {
  const program = cliProgram('analytics', io).description('Analytics service tools.');
  program
    .command('rebuild')
    .description(
      'Rebuild the read model from the beginning of the topics, blue/green, and follow it to the switch.',
    )
    .option('--url <url>', `the analytics service (default: ANALYTICS_URL or ${defaultAnalyticsUrl})`)
    .option('--no-wait', 'start the rebuild and return without following it')
    .option('--abandon', 'abandon the rebuild in progress instead')
    .option('--timeout <seconds>', 'give up following after this long (the rebuild goes on)', seconds, 3600)
    .action(async (flags: Flags) => {
      const url = flags.url ?? io.env.ANALYTICS_URL ?? defaultAnalyticsUrl;
      if (flags.abandon) {
        const { body } = await call(url, 'DELETE', [200]);
        io.out(`abandoned generation ${String((body as Generation).generation)}\n`);
        return;
      }
      const { status, body } = await call(url, 'POST', [202, 409]);
      const target = status === 202 ? (body as Generation) : (body as { generation: Generation }).generation;
      io.out(
        status === 202
          ? `building generation ${String(target.generation)} (${target.schema})\n`
          : `generation ${String(target.generation)} is being built already; following it\n`,
      );
      if (flags.wait) await follow(url, target.generation, flags.timeout * 1000, io);
    });
  return program;
}

/** Poll the rebuild's status, drawing its progress, until its generation serves. */
async function follow(url: string, generation: number, timeoutMs: number, io: CliIo): Promise<void> {
  const started = Date.now();
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} messages | {rate} msg/s | lag {lag} | ETA {eta}s',
    noTTYOutput: !io.tty,
    notTTYSchedule: 2_000,
    stream: {
      write: (text: string) => {
        io.out(text);
      },
    } as unknown as NodeJS.WritableStream,
    hideCursor: io.tty ?? false,
  });
  let shown = false;
  try {
    for (;;) {
      const status = (await call(url, 'GET', [200])).body as Status;
      if (status.active?.generation === generation) {
        if (shown) bar.update(bar.getTotal());
        break;
      }
      if (status.building?.generation !== generation)
        throw new FailedError(`generation ${String(generation)} is no longer being built (abandoned?)`);
      const p = status.building.progress;
      if (p) {
        const payload = { rate: p.messagesPerSecond ?? '?', lag: p.lag, eta: p.etaSeconds ?? '?' };
        if (!shown) bar.start(p.total, p.done, payload);
        else {
          bar.setTotal(p.total);
          bar.update(p.done, payload);
        }
        shown = true;
      }
      if (Date.now() - started > timeoutMs)
        throw new FailedError(
          `still building after ${String(timeoutMs / 1000)} s (it goes on in the service)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    if (shown) bar.stop();
  }
  io.out(`generation ${String(generation)} serves now (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

async function call(
  url: string,
  method: string,
  accepted: number[],
): Promise<{ status: number; body: unknown }> {
  const endpoint = new URL('/admin/rebuild', url).href;
  let response: Response;
  try {
    response = await fetch(endpoint, { method });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new FailedError(
      `cannot reach the analytics service at ${url}: ${cause?.code ?? cause?.message ?? String(error)}`,
    );
  }
  const text = await response.text();
  if (!accepted.includes(response.status))
    throw new FailedError(`${method} ${endpoint} answered ${String(response.status)}: ${text.slice(0, 500)}`);
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new FailedError(`${method} ${endpoint} answered a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Run the program; resolves to the exit code (0 done, 1 failed, 2 wrong usage). */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runProgram(buildProgram(io), argv, io);
}
