// One jest run over every workspace project, so the totals cover all suites.
/** @type {import('jest').Config} */
export default {
  projects: ['<rootDir>/packages/*', '<rootDir>/apps/*', '<rootDir>/infra/stack', '<rootDir>/test-e2e'],
};
