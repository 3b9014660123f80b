import { cliProgram, exitCodes, runProgram, UsageError, type CliIo } from '../src/index.js';

class SelectionError extends Error {}

function capture(): CliIo & { output: string; errors: string } {
  const io = {
    env: {},
    output: '',
    errors: '',
    out: (text: string) => {
      io.output += text;
    },
    err: (text: string) => {
      io.errors += text;
    },
  };
  return io;
}

function program(io: CliIo, fail?: Error) {
  const p = cliProgram('tool', io);
  p.command('go')
    .option('--n <n>', 'a number')
    .action(() => {
      if (fail) throw fail;
      io.out('went\n');
    });
  return p;
}

test('a command that succeeds exits 0 and writes to the io', async () => {
  const io = capture();
  expect(await runProgram(program(io), ['go'], io)).toBe(exitCodes.ok);
  expect(io.output).toBe('went\n');
});

test('help is not a failure; an unknown command or option is wrong usage, explained by commander', async () => {
  const io = capture();
  expect(await runProgram(program(io), ['--help'], io)).toBe(exitCodes.ok);
  expect(io.output).toContain('Usage: tool');
  expect(await runProgram(program(io), ['fly'], io)).toBe(exitCodes.usage);
  expect(await runProgram(program(io), ['go', '--wings'], io)).toBe(exitCodes.usage);
  expect(io.errors).toContain("unknown option '--wings'");
});

test('UsageError and the errors named as usage exit 2, anything else 1, each printed with the program name', async () => {
  const usage = capture();
  expect(await runProgram(program(usage, new UsageError('give --n')), ['go'], usage)).toBe(exitCodes.usage);
  expect(usage.errors).toBe('tool: give --n\n');
  const selection = capture();
  const selectionFails = program(selection, new SelectionError('empty selection'));
  expect(await runProgram(selectionFails, ['go'], selection, { usageErrors: [SelectionError] })).toBe(
    exitCodes.usage,
  );
  const failed = capture();
  expect(await runProgram(program(failed, new Error('service down')), ['go'], failed)).toBe(exitCodes.failed);
  expect(failed.errors).toBe('tool: service down\n');
});
