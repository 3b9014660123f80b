import { projectConfig } from '../../jest.preset.js';

// Projection unit tests, and integration tests on the real stack (Postgres, Kafka, schema registry);
// the dashboard test drives Debian's Chromium through playwright-core.
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
