export { rebuildBenchmark, rebuildCases, type RebuildBenchSizes } from './rebuild.js';
