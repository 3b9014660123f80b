import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import { AppModule } from '../../src/app.module.js';
import { paymentConfigSchema } from '../../src/config.js';
import type { ProviderSimulator } from '../../src/infrastructure/provider-simulator.js';
import { PAYMENT_PROVIDER } from '../../src/payment.tokens.js';
import {
  getPayment,
  newOrderId,
  outboxed,
  placeAndReserve,
  receipts,
  SECRET,
  T,
  type World,
} from './support.js';

jest.setTimeout(60_000);

// The world's port is known only once it runs, and the simulator's webhook URL is configuration:
// a forwarding server stands in front of it.
let target = '';
let forwarder: Server;
let world: World;
let simulator: ProviderSimulator;

beforeAll(async () => {
  forwarder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
      void fetch(`${target}${req.url ?? ''}`, {
        method: req.method ?? 'POST',
        headers,
        body: Buffer.concat(chunks),
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(await answer.text());
        })
        .catch(() => {
          res.writeHead(502).end();
        });
    });
  });
  await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
  const { port } = forwarder.address() as AddressInfo;
  world = await serviceWorld({
    service: 'payment',
    schema: paymentConfigSchema,
    module: (config) => AppModule.register(config),
    env: {
      PAYMENT_WEBHOOK_SECRET: SECRET,
      PAYMENT_PROVIDER_MAX_ATTEMPTS: '2',
      PAYMENT_SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/provider`,
      PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS: '100',
    },
  });
  target = world.url;
  simulator = world.app.get<ProviderSimulator>(PAYMENT_PROVIDER, { strict: false });
});

afterAll(async () => {
  await world.close();
  await new Promise((resolve) => forwarder.close(resolve));
});

it('gives a charge up as failed (provider_timeout) after PAYMENT_PROVIDER_MAX_ATTEMPTS timeouts', async () => {
  const orderId = newOrderId();
  await placeAndReserve(world, orderId, 'tok_timeout');
  const failed = await world.tap.waitFor(T.failed, orderId);
  expect(failed.data).toMatchObject({ orderId, code: 'provider_timeout' });
  expect(await simulator.callsFor(orderId)).toBe(2);
  expect((await getPayment(world, orderId)).body.status).toBe('declined');
});

it('with PAYMENT_SIMULATOR_WEBHOOK_URL the simulator settles asynchronous payments itself', async () => {
  const orderId = newOrderId();
  await placeAndReserve(world, orderId, 'tok_async');
  const charged = await world.tap.waitFor(T.charged, orderId);
  expect(charged.data).toMatchObject({ orderId, amountMinor: 2598 });
  expect(await receipts(world, orderId)).toBe(1);
  expect(await outboxed(world, T.charged, orderId)).toBe(1);
  await eventually(async () => ((await simulator.pendingConfirmations()).length === 0 ? true : undefined), {
    description: 'the confirmation marked delivered',
  });
});
