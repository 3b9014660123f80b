#!/usr/bin/env node
// The `inventory` command line (see cli/program.ts): `seed` adds stock through the admin endpoint.
import { runCli } from './cli/program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
