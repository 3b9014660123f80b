import { projectConfig } from '../../jest.preset.js';

// Domain unit tests (pure deciders, no I/O) and integration tests on the real stack (the global
// setup finds or starts it: environment, Testcontainers or native).
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
