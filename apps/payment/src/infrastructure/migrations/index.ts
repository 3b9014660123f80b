import type { MigrationSet } from '@acme/postgres';
import * as payment from './20261201_100000_payment.js';

/** The payment service's own tables, tracked as the `payment` set. */
export const paymentMigrations: MigrationSet = {
  name: 'payment',
  migrations: { '20261201_100000_payment': payment },
};
