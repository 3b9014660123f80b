#!/usr/bin/env node
// The `analytics` command line (see cli/program.ts): `rebuild` rebuilds the read model blue/green.
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stdout.isTTY,
});
