import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '@acme/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A service running as its own OS process, from its built output (`apps/<name>/dist/main.js`). */
export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  logFile: string;
  /** The running process's id (changes on restart). */
  readonly pid: number | undefined;
  /** Send a signal (SIGKILL for a crash) and wait until the process has exited; how it ended. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Start it again with the same environment and port; resolves once it is ready. */
  restart(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for failure messages. */
  tail(lines?: number): string;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A port nobody listens on right now (the OS picks it; a tiny race is acceptable in tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface StartServiceOptions {
  name: string;
  port: number;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Readiness deadline (default 60 s: four services starting on two cores). */
  readyTimeoutMs?: number;
  /** Flags for node itself (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
  /**
   * Run it in a process group of its own, so that a terminal's Ctrl-C (SIGINT to the foreground
   * group) reaches only its owner, which stops it in its own time (the demo drains first).
   */
  ownProcessGroup?: boolean;
  /** Aborting a start that has not finished stops the process and rejects. */
  signal?: AbortSignal;
}

/**
 * Start `apps/<name>/dist/main.js` with `env` + PORT, append its JSON log lines to
 * `<logDir>/<name>.log`, and resolve once `/health/ready` answers 200. If the process exits before
 * that, reject with its exit code and the tail of its log.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const { name, port } = options;
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${name}.log`);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });

  const tail = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const launch = async () => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const proc = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), join(root, 'apps', name, 'dist', 'main.js')],
      {
        env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: options.ownProcessGroup ?? false,
      },
    );
    proc.stdout.pipe(log, { end: false });
    proc.stderr.pipe(log, { end: false });
    child = proc;
    // 'close', not 'exit': the process's last lines are in the log file once this resolves.
    exited = new Promise((resolve) =>
      proc.once('close', (code, signal) => {
        log.end(() => {
          resolve({ code, signal });
        });
      }),
    );
    // Ready, or exited first: a service that dies at start-up fails at once, with its log.
    const died = exited.then(({ code, signal }) => {
      throw new StartError(`${name} exited (${signal ?? `code ${String(code)}`}) before it was ready`);
    });
    const ready = eventually(
      async () => {
        const res = await fetch(`${url}/health/ready`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 60_000,
        intervalMs: 200,
        description: `${name} ready at ${url}`,
      },
    );
    died.catch(() => undefined); // settled by the race below; not an unhandled rejection later
    const { signal } = options;
    const aborted = new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(new StartError(`${name}: start abandoned`));
      signal?.addEventListener('abort', () => {
        reject(new StartError(`${name}: start abandoned`));
      });
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([ready, died, aborted]);
    } catch (error) {
      // Not ready in time, or abandoned: the process may still run, and nobody else will stop it.
      await stop();
      throw error instanceof StartError && signal?.aborted
        ? error
        : new StartError(
            `${error instanceof Error ? error.message : String(error)}\n--- ${logFile}\n${tail()}`,
          );
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child?.exitCode === null && child.signalCode === null;
    if (running) child?.kill(signal);
    return exited;
  };

  const stop = async (graceMs = 20_000) => {
    const done = kill('SIGTERM');
    const timer = setTimeout(() => void kill('SIGKILL'), graceMs);
    await done;
    clearTimeout(timer);
  };

  await launch();
  return {
    name,
    url,
    port,
    logFile,
    get pid() {
      return child?.pid;
    },
    kill,
    restart: launch,
    stop,
    tail,
  };
}

class StartError extends Error {
  override readonly name = 'StartError';
}
