import { projectConfig } from '../../jest.preset.js';

// Integration tests on the real Postgres of the stack (environment, Testcontainers or native).
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
