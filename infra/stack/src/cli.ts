/**
 * pnpm stack <up|down|status|logs|reset|env> — the native stack manager's command line.
 * Configuration comes from environment variables (see infra/stack/README.md).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { endpoints, loadStackConfig, StackConfigError, type StackConfig } from './config.js';
import type { PartName } from './parts/part.js';
import { tail } from './proc.js';
import { createParts, down, partNames, reset, StackUpError, status, up } from './stack.js';

const program = new Command('stack').description(
  'Run the real infrastructure natively: Kafka, schema registry, Postgres, Jaeger, Prometheus.',
);
const config = (): StackConfig => loadStackConfig(process.env);
const partArgument = (value: string): PartName => {
  if (!(partNames as readonly string[]).includes(value))
    throw new Error(`unknown part '${value}' (one of ${partNames.join(', ')})`);
  return value as PartName;
};

program
  .command('up')
  .description('start every part that is not running (idempotent); prints where each one listens')
  .argument('[parts...]', `only these parts and what they need (${partNames.join(', ')})`)
  .action(async (parts: string[]) => {
    const c = config();
    const started = Date.now();
    await up(c, parts.length > 0 ? { only: parts.map(partArgument) } : {});
    console.log(`\nstack up in ${((Date.now() - started) / 1000).toFixed(1)} s. Client settings:`);
    printEnv(c);
  });

program
  .command('down')
  .description('stop exactly what `up` started; data is kept')
  .argument('[parts...]', 'only these parts')
  .action(async (parts: string[]) => {
    const stopped = await down(config(), parts.length > 0 ? { only: parts.map(partArgument) } : {});
    console.log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing of ours was running');
  });

program
  .command('status')
  .description('what runs where; exits 1 when a part is not running and healthy')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const parts = await status(config());
    if (options.json) console.log(JSON.stringify(parts, null, 2));
    else {
      const rows = parts.map((p) => [
        p.name,
        p.state,
        p.pid === undefined ? '-' : String(p.pid),
        p.addresses.join('  '),
      ]);
      const header = ['PART', 'STATE', 'PID', 'ADDRESS'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      for (const row of [header, ...rows])
        console.log(
          row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
        );
      for (const p of parts.filter((x) => x.problem)) console.log(`${p.name}: ${p.problem ?? ''}`);
    }
    process.exitCode = parts.every((p) => p.state === 'running') ? 0 : 1;
  });

program
  .command('logs')
  .description('show the last lines of a part’s log (all parts when none is named)')
  .argument('[part]', partNames.join(' | '))
  .addOption(new Option('-n, --lines <n>', 'how many lines').default('40').argParser(Number))
  .option('-f, --follow', 'keep printing as the log grows')
  .action((part: string | undefined, options: { lines: number; follow?: boolean }) => {
    const parts = createParts(config()).filter((p) => part === undefined || p.name === partArgument(part));
    if (options.follow) {
      const files = parts.map((p) => p.logFile).filter((f) => existsSync(f));
      spawn('tail', ['-n', String(options.lines), '-F', ...files], { stdio: 'inherit' });
      return;
    }
    for (const p of parts) {
      console.log(`==> ${p.name} (${p.logFile}) <==`);
      console.log(tail(p.logFile, options.lines) || '(no log yet)');
    }
  });

program
  .command('reset')
  .description('stop everything and delete all stack data (downloads stay cached)')
  .action(async () => {
    const c = config();
    await reset(c);
    console.log(`stack data under ${c.stackDir} deleted (cache kept in ${c.cacheDir})`);
  });

program
  .command('env')
  .description('print the client settings as shell exports: eval "$(pnpm -s stack env)"')
  .action(() => {
    printEnv(config());
  });

function printEnv(c: StackConfig): void {
  // Single-quoted, so a path with spaces or `$` survives `eval`.
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  for (const [key, value] of Object.entries<string>({ ...endpoints(c) }))
    console.log(`export ${key}=${quote(value)}`);
}

program.parseAsync().catch((error: unknown) => {
  if (error instanceof StackUpError) console.error(`\n${error.message}`);
  else if (error instanceof StackConfigError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
