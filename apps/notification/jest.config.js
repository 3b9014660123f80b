import { projectConfig } from '../../jest.preset.js';

// Domain unit tests (pure deciders, no I/O) and integration tests on the real stack (Postgres,
// Kafka, schema registry) with a local SMTP sink.
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
