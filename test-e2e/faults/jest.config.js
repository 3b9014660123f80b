import { dirname } from 'node:path';
import { projectConfig } from '../../jest.preset.js';

// The fault scenarios alone (they restart Kafka and Postgres, so nothing else may run meanwhile):
//   pnpm jest -c test-e2e/faults/jest.config.js --runInBand      (FAULTS_PROFILE=long for the long profile)
// The test runner (`pnpm test`) runs this as its `faults` step, after the main jest step.
export default projectConfig(dirname(import.meta.dirname), {
  displayName: 'faults',
  testMatch: ['<rootDir>/faults/faults.test.ts'],
  globalSetup: '@acme/testing/global-setup',
  globalTeardown: '@acme/testing/global-teardown',
  setupFilesAfterEnv: ['<rootDir>/setup/timeout.ts'],
  // After Kafka and Postgres were restarted under them, client libraries may keep a reconnect
  // timer alive after the world is closed; the step must end when the suite has.
  forceExit: true,
});
