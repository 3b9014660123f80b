/**
 * The stack manager's promises, on real daemons (Postgres and Prometheus, the two that start in
 * seconds) in a scratch state directory on free ports, so it never touches the developer's stack:
 * `up` twice is a no-op, `down` stops exactly what `up` started, data survives `down`/`up`,
 * `reset` deletes it, and a taken port is reported with its holder and the variable to change.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { endpoints, loadStackConfig, type StackConfig } from '../src/config.js';
import { repoRoot } from '../src/paths.js';
import { pidAlive } from '../src/proc.js';
import { down, reset, StackUpError, status, up } from '../src/stack.js';

jest.setTimeout(180_000);

const parts = ['postgres', 'prometheus'] as const;
const stackDir = join(repoRoot(), '.stack', `lifecycle-test-${process.pid}`);
let config: StackConfig;

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => {
      resolve(server);
    });
  });
}

async function freePort(): Promise<number> {
  const server = await listen();
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function psql(sql: string): string {
  const url = `${endpoints(config).DATABASE_URL}/orders`;
  return execFileSync('psql', [url, '-Atqc', sql], { encoding: 'utf8' }).trim();
}

const pids = async () => new Map((await status(config)).map((p) => [p.name, p.pid]));

beforeAll(async () => {
  config = loadStackConfig({
    STACK_DIR: stackDir,
    STACK_CACHE_DIR: loadStackConfig({}).cacheDir,
    POSTGRES_PORT: String(await freePort()),
    PROMETHEUS_PORT: String(await freePort()),
  });
});

afterAll(async () => {
  await reset(config);
  rmSync(stackDir, { recursive: true, force: true });
});

describe('stack manager lifecycle', () => {
  it('starts the parts asked for, and only those', async () => {
    const outcomes = await up(config, { only: parts, renderer: 'silent' });
    expect(Object.fromEntries(outcomes)).toEqual({ postgres: 'started', prometheus: 'started' });
    const states = Object.fromEntries((await status(config)).map((p) => [p.name, p.state]));
    expect(states).toEqual({
      postgres: 'running',
      prometheus: 'running',
      kafka: 'stopped',
      registry: 'stopped',
      jaeger: 'stopped',
    });
    expect(psql("SELECT count(*) FROM pg_database WHERE datname IN ('orders', 'registry')")).toBe('2');
  });

  it('treats a second up as a no-op: same processes, nothing restarted', async () => {
    const before = await pids();
    const outcomes = await up(config, { only: parts, renderer: 'silent' });
    expect(Object.fromEntries(outcomes)).toEqual({
      postgres: 'already running',
      prometheus: 'already running',
    });
    expect(await pids()).toEqual(before);
  });

  it('reports a taken port with its holder and the variable to change', async () => {
    const taken = await listen();
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const other = loadStackConfig({
      STACK_DIR: `${stackDir}-taken`,
      STACK_CACHE_DIR: config.cacheDir,
      PROMETHEUS_PORT: String(address.port),
    });
    try {
      const attempt = up(other, { only: ['prometheus'], renderer: 'silent' });
      await expect(attempt).rejects.toBeInstanceOf(StackUpError);
      await expect(attempt).rejects.toThrow(
        new RegExp(
          `prometheus[\\s\\S]*port ${address.port} \\(.*\\) is already in use by pid ${process.pid}[\\s\\S]*PROMETHEUS_PORT=`,
        ),
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      rmSync(`${stackDir}-taken`, { recursive: true, force: true });
    }
  });

  it('never signals a process it did not start, even when a stale pid record names it', async () => {
    const stranger = spawn('sleep', ['120'], { stdio: 'ignore' });
    const strangerPid = stranger.pid ?? 0;
    const record = join(`${stackDir}-stale`, 'run', 'jaeger.json');
    const staleConfig = loadStackConfig({ STACK_DIR: `${stackDir}-stale`, STACK_CACHE_DIR: config.cacheDir });
    try {
      execFileSync('mkdir', ['-p', join(`${stackDir}-stale`, 'run')]);
      writeFileSync(record, JSON.stringify({ pid: strangerPid, command: ['jaeger', '--x'], startedAt: '' }));
      const jaeger = (await status(staleConfig)).find((p) => p.name === 'jaeger');
      expect(jaeger?.state).toBe('stopped');
      expect(await down(staleConfig, { only: ['jaeger'] })).toEqual([]);
      expect(pidAlive(strangerPid)).toBe(true);
      expect(existsSync(record)).toBe(false);
    } finally {
      stranger.kill('SIGKILL');
      rmSync(`${stackDir}-stale`, { recursive: true, force: true });
    }
  });

  it('stops exactly what it started, keeps the data, and starts again on it', async () => {
    psql('CREATE TABLE IF NOT EXISTS lifecycle_probe (id int); INSERT INTO lifecycle_probe VALUES (7)');
    const running = [...(await pids()).values()].filter((pid): pid is number => pid !== undefined);
    expect(running).toHaveLength(2);

    expect((await down(config)).sort()).toEqual(['postgres', 'prometheus']);
    for (const pid of running) expect(pidAlive(pid)).toBe(false);
    expect((await status(config)).every((p) => p.state === 'stopped')).toBe(true);

    await up(config, { only: ['postgres'], renderer: 'silent' });
    expect(psql('SELECT id FROM lifecycle_probe')).toBe('7');
  });

  it('reset stops everything and deletes the data, but keeps the download cache', async () => {
    await reset(config);
    expect((await status(config)).every((p) => p.state === 'stopped')).toBe(true);
    expect(existsSync(config.dataDir)).toBe(false);
    expect(existsSync(config.cacheDir)).toBe(true);
  });
});
