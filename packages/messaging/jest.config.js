import { projectConfig } from '../../jest.preset.js';

// Unit tests (filters) and integration tests on the real Kafka, registry and Postgres of the stack.
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
