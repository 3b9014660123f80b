import { projectConfig } from '../jest.preset.js';

// Whole-system suites: the stack comes from @acme/testing (environment, Testcontainers or native).
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
  setupFilesAfterEnv: ['<rootDir>/setup/timeout.ts'],
});
