import type { MigrationSet } from '@acme/postgres';
import * as m20261201_120000 from './20261201_120000_catalogue.js';

/** The order service's own tables (the catalogue), run by the platform after its own sets. */
export const orderMigrations: MigrationSet = {
  name: 'order',
  migrations: { '20261201_120000_catalogue': m20261201_120000 },
};
