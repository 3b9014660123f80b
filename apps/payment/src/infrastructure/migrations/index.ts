import type { MigrationSet } from '@acme/postgres';
import * as payment from './20261201_100000_payment.js';
import * as providerSimulator from './20261204_180000_provider_simulator.js';

/** The payment service's own tables (and the bundled provider simulator's), tracked as the `payment` set. */
export const paymentMigrations: MigrationSet = {
  name: 'payment',
  migrations: {
    '20261201_100000_payment': payment,
    '20261204_180000_provider_simulator': providerSimulator,
  },
};
