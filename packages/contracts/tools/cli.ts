/**
 * `pnpm --filter @acme/contracts generate | check | release`. `check` is what CI runs: it exits 1
 * with one line per problem when a schema breaks a convention, a revision cannot read an older
 * one, or a released file changed.
 */
import { join } from 'node:path';
import { checkContracts } from './check.js';
import { generate } from './generate.js';
import { release } from './release.js';

const packageRoot = join(import.meta.dirname, '..');

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'generate': {
      const { types, written, removed } = await generate(packageRoot);
      const changes = [...written.map((f) => `wrote ${f}`), ...removed.map((f) => `removed ${f}`)];
      console.log(
        `contracts: ${types} event types generated${changes.length ? `: ${changes.join(', ')}` : ''}`,
      );
      return 0;
    }
    case 'check': {
      const { types, revisions, problems, unreleased } = checkContracts(packageRoot);
      if (problems.length > 0) {
        console.error(`contracts check failed:\n- ${problems.join('\n- ')}`);
        return 1;
      }
      console.log(`contracts check passed: ${types} event types, ${revisions} revisions`);
      if (unreleased.length) console.log(`not released yet: ${unreleased.join(', ')}`);
      return 0;
    }
    case 'release': {
      const released = release(packageRoot);
      console.log(released.length ? `released: ${released.join(', ')}` : 'nothing new to release');
      return 0;
    }
    default:
      console.error('usage: tsx tools/cli.ts generate | check | release');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
