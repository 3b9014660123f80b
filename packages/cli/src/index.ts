import { Command, CommanderError } from 'commander';

/** Where a command line reads its environment and writes its output: the process's, or a test's. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}

export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong usage: a missing flag or variable, a bad value, input the service refused. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The process's environment and streams. */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

/**
 * A commander program that writes to `io` and throws instead of exiting, so `runProgram` maps
 * every outcome to an exit code and tests drive it in-process.
 *
 * @example
 *   const program = cliProgram('inventory', io).description('Inventory service tools.');
 *   program.command('seed').action(async () => { … });
 *   process.exitCode = await runProgram(program, process.argv.slice(2), io);
 */
export function cliProgram(name: string, io: CliIo): Command {
  return new Command(name).exitOverride().configureOutput({
    writeOut: (text) => {
      io.out(text);
    },
    writeErr: (text) => {
      io.err(text);
    },
  });
}

export interface RunOptions {
  /** Further error classes that mean wrong usage (exit 2), besides `UsageError`. */
  usageErrors?: readonly (abstract new (...args: never[]) => Error)[];
}

/**
 * Run `program` with `argv` (without the program name); resolves to the exit code: 0 done (help
 * and version included), 2 wrong usage (commander has printed why, or the error is printed),
 * 1 anything else, printed as `<program>: <message>`.
 */
export async function runProgram(
  program: Command,
  argv: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError)
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
        ? exitCodes.ok
        : exitCodes.usage;
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${program.name()}: ${message}\n`);
    const usage = [UsageError, ...(options.usageErrors ?? [])].some((type) => error instanceof type);
    return usage ? exitCodes.usage : exitCodes.failed;
  }
}
