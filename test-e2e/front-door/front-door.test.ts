/**
 * The front door: README command 1, exactly as the README writes it, from a fresh clone of HEAD —
 * no node_modules, no generated sources, no dist — as a person at a terminal runs it, then Ctrl-C.
 *
 * It runs on the test run's own stack (the clone's STACK_DIR is this checkout's, so nothing is
 * downloaded twice) and shares turbo's cache (outputs are keyed by their inputs, so a hit is what
 * a build would have made). To see the demo stop what it started and only that, one stack part
 * (Jaeger) is stopped first: the demo must start it, and stop it again, and leave the rest alone.
 */
import { createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { down, loadStackConfig, repoRoot, status, up, type PartName } from '@acme/stack';
import { eventually, withDeadline } from '@acme/testing';
import {
  alive,
  descendants,
  freshClone,
  processesUnder,
  quickStartCommands,
  runCommand,
  tailOf,
  type ProcessInfo,
  type RunningCommand,
} from './command.js';

const config = loadStackConfig(process.env);
const root = repoRoot();
const [demoCommand] = quickStartCommands(readFileSync(join(root, 'README.md'), 'utf8'));
// Short deadlines so every order reaches its outcome soon after the traffic stops.
const demoArgs = '--rate 4 --deadline 4000 --mix ok=70,decline=10,async=10,timeout=10';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  STACK_DIR: config.stackDir,
  TURBO_CACHE_DIR: join(root, '.turbo', 'cache'),
  NO_COLOR: '1',
};
let clone: ReturnType<typeof freshClone>;

async function partPids(): Promise<Map<PartName, number | undefined>> {
  return new Map((await status(config)).map((p) => [p.name, p.state === 'running' ? p.pid : undefined]));
}

/** Hold `port` as another program would; `close` also ends connections to it (Prometheus scrapes it). */
function listen(port: number): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

beforeAll(() => {
  if (!demoCommand) throw new Error('README quick start has no command');
  // FRONT_DOOR_REF checks another commit (e.g. one from before a fix, to see the check fail).
  clone = freshClone(root, process.env.FRONT_DOOR_REF);
});

/** After a failed run: nothing of it may disturb the next (the services run in groups of their own). */
function killLeftovers(demo: RunningCommand): void {
  if (alive(demo.pid)) demo.signalGroup('SIGKILL');
  for (const p of processesUnder(clone.dir))
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
}

/** Nothing the clone started may be left: no process runs a file of the clone, and `extra` are gone. */
async function nothingLeft(extra: readonly number[] = []): Promise<void> {
  await eventually(
    () =>
      Promise.resolve(
        processesUnder(clone.dir).length === 0 && extra.every((pid) => !alive(pid)) ? true : undefined,
      ),
    { timeoutMs: 10_000, description: 'every process the demo started to be gone' },
  ).catch(() => {
    const left = [
      ...processesUnder(clone.dir),
      ...extra.filter(alive).map((pid) => ({ pid, command: '(started by the demo)' })),
    ];
    throw new Error(`left running:\n${left.map((p) => `${p.pid} ${p.command}`).join('\n')}`);
  });
}

afterAll(async () => {
  // Leave the stack as the run had it.
  await up(config, { renderer: 'silent' });
  clone.remove();
});

describe('README command 1 from a fresh clone', () => {
  it('brings the system up, confirms orders, serves the dashboard, and Ctrl-C stops everything it started', async () => {
    await down(config, { only: ['jaeger'] });
    const before = await partPids();
    expect(before.get('jaeger')).toBeUndefined();

    const demo = runCommand(`${demoCommand} ${demoArgs}`, clone.dir, env);
    try {
      await demo.waitFor(/The system is up:/, 240_000, 'the URLs');
      const dashboard = (await demo.waitFor(/Dashboard\s+(\S+)/, 5_000, 'the dashboard URL'))[1] ?? '';
      for (const name of ['order', 'inventory', 'payment', 'notification', 'analytics'])
        expect(demo.output()).toMatch(new RegExp(`${name}\\s+http://127\\.0\\.0\\.1:\\d+\\s+API docs`));
      await demo.waitFor(/confirmed ([5-9]|\d\d+)\b/, 90_000, 'five orders confirmed');
      const page = await fetch(dashboard);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');

      // What the demo started: its own processes (the five services among them) and Jaeger.
      const started: ProcessInfo[] = descendants(demo.pid);
      const services = started.filter((p) => /apps\/\w+\/dist\/main\.js/.test(p.command));
      expect(services).toHaveLength(5);
      const jaeger = (await partPids()).get('jaeger');
      expect(jaeger).toBeDefined();

      demo.signalGroup('SIGINT');
      await demo.exit(90_000, 'the demo to exit after Ctrl-C');
      // First what matters most: nothing it started is left, and nothing else was touched.
      await nothingLeft([...started.map((p) => p.pid), jaeger ?? 0]);
      const after = await partPids();
      for (const part of ['postgres', 'kafka', 'registry', 'prometheus'] as const) {
        expect(after.get(part)).toBe(before.get(part));
      }
      expect(after.get('jaeger')).toBeUndefined();
      const summary = /placed (\d+), confirmed (\d+), .*open (\d+);/.exec(demo.output());
      expect(summary).not.toBeNull();
      expect(Number(summary?.[2])).toBeGreaterThanOrEqual(5);
      expect(Number(summary?.[3])).toBe(0);
      expect(demo.output()).toContain('stopping the stack parts started here (jaeger)');
    } finally {
      killLeftovers(demo);
      process.stderr.write(`--- demo output (last lines)\n${tailOf(demo.output(), 25)}\n`);
    }
  }, 420_000);

  it('SIGTERM to the demo alone, while the services start, stops them and the stack part it started', async () => {
    await down(config, { only: ['jaeger'] });
    const before = await partPids();
    const demo = runCommand(`${demoCommand} ${demoArgs}`, clone.dir, env);
    try {
      await demo.waitFor(/▸ starting order/, 180_000, 'the services starting');
      // The demo's own node process, not its group: no service hears of it but through the demo.
      // (pnpm runs the script through sh, whose command line names the file too.)
      const node = descendants(demo.pid).find((p) => /^\S*node .*runner\/demo\.ts/.test(p.command));
      expect(node).toBeDefined();
      process.kill(node?.pid ?? 0, 'SIGTERM');
      await demo.exit(90_000, 'the demo to exit after SIGTERM');
      expect(demo.output()).toContain('SIGTERM: stopping everything this command started');
      expect(demo.output()).toContain('stopping the stack parts started here (jaeger)');
      await nothingLeft();
      expect(await partPids()).toEqual(before);
    } finally {
      killLeftovers(demo);
    }
  }, 300_000);

  it('refuses a port that is taken, saying which and by whom, and starts nothing', async () => {
    await withDeadline(up(config, { renderer: 'silent' }), 60_000, 'the stack to be up again');
    const before = await partPids();
    const squatter = await listen(3003);
    try {
      const demo = runCommand(`${demoCommand} ${demoArgs}`, clone.dir, env);
      const { code } = await demo.exit(60_000, 'the demo to fail');
      expect(code).not.toBe(0);
      expect(demo.output()).toMatch(/port 3003 \(payment\) is already in use by pid \d+ \(node\)/);
      expect(demo.output()).not.toContain('starting order');
      expect(await partPids()).toEqual(before);
    } finally {
      await squatter.close();
    }
  }, 120_000);

  it('after a stack part fails to start, stops the parts it did start and says what failed', async () => {
    await down(config, { only: ['jaeger', 'prometheus'] });
    const before = await partPids();
    const squatter = await listen(config.PROMETHEUS_PORT);
    try {
      const demo = runCommand(`${demoCommand} ${demoArgs}`, clone.dir, env);
      const { code } = await demo.exit(60_000, 'the demo to fail');
      expect(code).toBe(1);
      expect(demo.output()).toMatch(
        new RegExp(`prometheus: port ${config.PROMETHEUS_PORT} \\([^)]+\\) is already in use by pid \\d+`),
      );
      expect(demo.output()).toContain('stopping the stack parts started here (jaeger)');
      expect(await partPids()).toEqual(before);
    } finally {
      await squatter.close();
    }
  }, 180_000);
});
