import { projectConfig } from '../../jest.preset.js';

// Domain unit tests (pure deciders, no I/O) and integration tests on the real stack (Postgres,
// Kafka, schema registry) — the stack is brought up or found by @acme/testing's global setup.
export default projectConfig(import.meta.dirname, {
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
