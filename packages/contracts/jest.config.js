import { projectConfig } from '../../jest.preset.js';

// Unit tests of the schemas and tools, and a contract test against the stack's real schema registry.
// The global setup generates src/generated (a fresh clone has none) before providing the stack.
export default projectConfig(import.meta.dirname, {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '@acme/testing/global-teardown',
});
