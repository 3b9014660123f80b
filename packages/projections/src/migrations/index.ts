import type { MigrationSet } from '@acme/postgres';
import * as m20261123_160000 from './20261123_160000_projections.js';

/**
 * The generations table of `@acme/projections`, for `migrate` of `@acme/postgres`, in every
 * database that keeps a read model.
 */
export const projectionMigrations: MigrationSet = {
  name: 'projections',
  migrations: { '20261123_160000_projections': m20261123_160000 },
};
