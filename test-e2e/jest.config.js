import { projectConfig } from '../jest.preset.js';

// Whole-system suites: the stack comes from @acme/testing (environment, Testcontainers or native).
// The fault scenarios restart Kafka and Postgres under everyone's feet, so they are not part of this
// run: they have their own config (faults/jest.config.js), run in band after it. The fault suite's
// unit tests (faults/invariants.test.ts) do run here.
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
  setupFilesAfterEnv: ['<rootDir>/setup/timeout.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/faults/faults\\.test\\.ts$'],
});
