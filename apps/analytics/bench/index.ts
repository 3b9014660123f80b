export {
  defaultProjectionSizes,
  projectionBatches,
  projectionBenchmark,
  projectionCases,
  type ProjectionBenchSizes,
} from './projection.js';
export { rebuildBenchmark, rebuildCases, type RebuildBenchSizes } from './rebuild.js';
