import { createServiceApp } from '@acme/service';
import { serviceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import type { Kysely } from 'kysely';
import { AppModule } from '../../src/app.module.js';
import { paymentConfigSchema, type PaymentConfig } from '../../src/config.js';
import type { ProviderSimulator } from '../../src/infrastructure/provider-simulator.js';
import { PostgresSimulatorLedger } from '../../src/infrastructure/simulator-ledger.postgres.js';
import type { SimulatorTables } from '../../src/infrastructure/simulator-tables.js';
import { PAYMENT_PROVIDER } from '../../src/payment.tokens.js';
import {
  cancelled,
  newOrderId,
  outboxed,
  paymentIn,
  placeAndReserve,
  receipts,
  SECRET,
  T,
  type World,
} from './support.js';

// The payment service started again on the same database — after a crash, or as a second replica —
// finds the provider's records where the one before left them: the bundled simulator's ledger is in
// Postgres, not in the process.

jest.setTimeout(60_000);

type ServiceApp = Awaited<ReturnType<typeof createServiceApp>>;

// kafkajs logs the rebalance a second instance causes as errors: quiet unless asked for.
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'fatal';

let world: World;
let next: ServiceApp | undefined;

beforeAll(async () => {
  // No PAYMENT_SIMULATOR_WEBHOOK_URL: this instance never delivers its confirmations, as one that
  // was killed before its webhook timers fired.
  world = await serviceWorld({
    service: 'payment',
    schema: paymentConfigSchema,
    module: (config) => AppModule.register(config),
    env: { PAYMENT_WEBHOOK_SECRET: SECRET, LOG_LEVEL },
  });
});

afterAll(async () => {
  await next?.close();
  await world.close();
});

/** Another instance of the service on the world's database and topics, delivering webhooks itself. */
async function startAnotherInstance(): Promise<ServiceApp> {
  const config: PaymentConfig = {
    ...world.config,
    RELAY_ENABLED: false,
    PAYMENT_SIMULATOR_WEBHOOK_URL: `${world.url}/webhooks/provider`,
    PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS: 0,
  };
  const app = await createServiceApp(AppModule.register(config), config, { title: 'payment' });
  await app.init();
  return app;
}

it('the instance started next settles the asynchronous payment and refunds the charge of the one before', async () => {
  const pendingOrder = newOrderId();
  await placeAndReserve(world, pendingOrder, 'tok_async');
  const pending = await paymentIn(world, pendingOrder, 'pending');
  const chargedOrder = newOrderId();
  await placeAndReserve(world, chargedOrder, 'tok_ok');
  await world.tap.waitFor(T.charged, chargedOrder);

  next = await startAnotherInstance();
  // At start-up it announced the confirmation still due: its webhook settles the payment.
  const charged = await world.tap.waitFor(T.charged, pendingOrder);
  expect(charged.data).toMatchObject({ orderId: pendingOrder, amountMinor: 2598 });
  expect(await receipts(world, pendingOrder)).toBe(1);
  const ledger = new PostgresSimulatorLedger(world.db as Kysely<SimulatorTables>);
  await eventually(
    async () =>
      (await ledger.pendingConfirmations()).some((c) => c.providerPaymentId === pending.providerPaymentId)
        ? undefined
        : true,
    { description: 'the confirmation marked delivered' },
  );

  // Its provider knows the charges made before it started, whichever instance refunds.
  const provider = next.get<ProviderSimulator>(PAYMENT_PROVIDER, { strict: false });
  expect(await provider.chargesFor(chargedOrder)).toBe(1);
  await world.tap.publish({ type: T.cancelled, subject: chargedOrder, data: cancelled(chargedOrder) });
  await world.tap.waitFor(T.refunded, chargedOrder);
  expect(await provider.refundsFor(`sim_pay_${chargedOrder}`)).toBe(1);
  expect(await outboxed(world, T.charged, chargedOrder)).toBe(1);
});
