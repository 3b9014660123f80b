import { errorMessage } from '@acme/messaging';
import { connect } from '@acme/postgres';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { PaymentConfig } from '../config.js';
import { PAYMENT_CONFIG } from '../payment.tokens.js';
import { ProviderSimulator } from './provider-simulator.js';
import type { PendingConfirmation } from './simulator-ledger.js';
import { PostgresSimulatorLedger } from './simulator-ledger.postgres.js';
import type { SimulatorTables } from './simulator-tables.js';
import { SimulatorWebhooks } from './simulator-webhooks.js';

/**
 * Connections of the simulator's own pool. Its calls are made while the caller holds a transaction
 * on the service's pool (an inbox batch, a webhook): on that same pool, enough such callers at once
 * would wait for ever for a connection only they could free. A remote provider is not on our pool.
 */
const SIMULATOR_POOL_SIZE = 4;

/**
 * The bundled provider simulator as the service runs it: its ledger in the service's database (the
 * tables the `payment` migrations create) over a pool of its own, its webhooks sent by
 * `SimulatorWebhooks` when enabled. Once the app is up (migrations done) it announces the
 * confirmations still due, so an asynchronous payment made before a restart is still settled.
 */
@Injectable()
export class SimulatorHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly simulator: ProviderSimulator;
  private readonly logger = new Logger(SimulatorHost.name);
  private readonly db: Kysely<SimulatorTables>;

  constructor(
    @Inject(PAYMENT_CONFIG) config: PaymentConfig,
    @Inject(SimulatorWebhooks) private readonly webhooks: SimulatorWebhooks,
  ) {
    this.db = connect<SimulatorTables>({
      url: config.DATABASE_URL,
      database: config.DATABASE_NAME,
      max: SIMULATOR_POOL_SIZE,
      applicationName: 'payment-provider-simulator',
      onIdleError: (error) => {
        this.logger.warn(`idle simulator database connection lost: ${error.message}`);
      },
    });
    this.simulator = new ProviderSimulator({
      ledger: new PostgresSimulatorLedger(this.db),
      ...(webhooks.enabled
        ? {
            onPendingConfirmation: (confirmation: PendingConfirmation) => {
              this.send(confirmation);
            },
          }
        : {}),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const announced = await this.simulator.announcePending();
    if (announced > 0) this.logger.log(`${announced} undelivered provider confirmation(s) scheduled again`);
  }

  // After the consumer and HTTP have stopped: no provider call is in flight any more.
  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }

  private send(confirmation: PendingConfirmation): void {
    const { providerPaymentId } = confirmation;
    this.webhooks.schedule(confirmation, () => {
      // Not marked (the database away, the app stopping): the next start announces it again, and
      // the webhook's id makes that second delivery a duplicate.
      this.simulator.markConfirmationDelivered(providerPaymentId).catch((error: unknown) => {
        this.logger.warn(
          `confirmation of ${providerPaymentId} delivered but not marked: ${errorMessage(error)}`,
        );
      });
    });
  }
}
