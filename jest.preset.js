// Shared jest settings for every workspace project. Each project's jest.config.js calls
// projectConfig(dir); the root jest.config.js lists the projects so one run gives one total.
//
// Tests are transformed by swc to CommonJS (fast; the `jest` script adds --experimental-vm-modules
// only because the OTLP exporter loads node:http with a dynamic import()); workspace
// packages resolve to their TypeScript sources through the "source" export condition.
import { basename } from 'node:path';

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const pnpmStore = '(\\.pnpm/[^/]+/node_modules/)?';
// ES-module-only packages jest (CommonJS here) must have compiled: NestJS 12 and jose 6.
const esmOnly = '(@nestjs|jose)';
const esmModule = `^.+/node_modules/${pnpmStore}${esmOnly}/.+\\.js$`;

/** @param {string} rootDir @param {Partial<import('jest').Config>} [overrides] */
export function projectConfig(rootDir, overrides = {}) {
  return {
    displayName: basename(rootDir),
    rootDir,
    testEnvironment: 'node',
    testEnvironmentOptions: {
      customExportConditions: ['source', 'node', 'require', 'default'],
      globalsCleanup: 'on',
    },
    testMatch: [
      '<rootDir>/{src,test,smoke,integration,saga,observability,faults,security,fuzz,contracts}/**/*.test.ts',
    ],
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': swc,
      // NestJS 12 and jose 6 ship ES modules only; jest runs CommonJS here, so they are compiled too.
      [esmModule]: swc,
    },
    transformIgnorePatterns: [`/node_modules/(?!${pnpmStore}${esmOnly}/)`],
    ...overrides,
  };
}
