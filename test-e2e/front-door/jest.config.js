import { dirname } from 'node:path';
import { projectConfig } from '../../jest.preset.js';

// README command 1 from a fresh clone (front-door.test.ts). It stops and starts stack parts of the
// run's own stack (Jaeger, Prometheus) and binds the demo's fixed ports, so it runs alone:
//   pnpm jest -c test-e2e/front-door/jest.config.js --runInBand
// The test runner (`pnpm test`) runs it as its `front door` step, before the main jest step.
export default projectConfig(dirname(import.meta.dirname), {
  displayName: 'front-door',
  testMatch: ['<rootDir>/front-door/front-door.test.ts'],
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
});
