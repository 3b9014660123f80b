// One jest run over every workspace project that has a jest.config.js, so the totals cover all suites.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = import.meta.dirname;
const inside = (dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(dir, name)) : [];
const projects = [...inside('packages'), ...inside('apps'), 'infra/stack', 'test-e2e']
  .filter((dir) => existsSync(join(root, dir, 'jest.config.js')))
  .map((dir) => `<rootDir>/${dir}`);

/** @type {import('jest').Config} */
export default { projects };
