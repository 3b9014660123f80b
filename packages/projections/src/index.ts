export type { ProjectionSpec } from './projection.js';
export {
  ProjectionHost,
  RebuildInProgressError,
  type GenerationInfo,
  type ProjectionHostOptions,
  type ProjectionStatus,
} from './projection-host.js';
export type { RebuildProgress } from './progress.js';
export type { Position } from './offsets.js';
export { projectionMigrations } from './migrations/index.js';
export type { GenerationStatus, ProjectionsDatabase } from './tables.js';
