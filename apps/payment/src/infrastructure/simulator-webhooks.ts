import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PAYMENT_CONFIG } from '../payment.tokens.js';
import type { PaymentConfig } from '../config.js';
import { signWebhook } from '../domain/index.js';
import type { PendingConfirmation } from './simulator-ledger.js';

/** The body the provider (and the simulator) posts to POST /webhooks/provider. */
export interface ProviderWebhookBody {
  /** The provider's event id: the same webhook delivered again keeps it. */
  id: string;
  /** The charge's idempotency key, i.e. the order id. */
  orderId: string;
  providerPaymentId: string;
  outcome: 'succeeded' | 'failed';
}

export const webhookHeaders = { timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** The signed request a provider sends for `body` at `now` (epoch ms): headers and exact bytes. */
export function signedWebhook(
  secret: string,
  body: ProviderWebhookBody,
  now: number,
): { headers: Record<string, string>; body: string } {
  const text = JSON.stringify(body);
  const timestamp = Math.floor(now / 1000);
  return {
    body: text,
    headers: {
      'content-type': 'application/json',
      [webhookHeaders.timestamp]: String(timestamp),
      [webhookHeaders.signature]: signWebhook(secret, timestamp, text),
    },
  };
}

const MAX_DELIVERIES = 6;

/**
 * The simulator's own webhook delivery (PAYMENT_SIMULATOR_WEBHOOK_URL): after the configured delay
 * it posts the signed confirmation of an asynchronous payment, as a provider would — re-signed on
 * every attempt, retried with doubling delays while the answer is not 2xx. The charge's
 * transaction may not have committed when the first attempt lands (404/409 then), hence the retries.
 * Timers are in memory: a restart loses them, and the simulator announces what is still due again
 * at start-up (`SimulatorHost`).
 */
@Injectable()
export class SimulatorWebhooks implements OnModuleDestroy {
  private readonly logger = new Logger(SimulatorWebhooks.name);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(@Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig) {}

  get enabled(): boolean {
    return this.config.PAYMENT_SIMULATOR_WEBHOOK_URL !== undefined;
  }

  schedule(confirmation: PendingConfirmation, onDelivered: () => void): void {
    const body: ProviderWebhookBody = {
      id: `sim_evt_${confirmation.providerPaymentId}`,
      orderId: confirmation.idempotencyKey,
      providerPaymentId: confirmation.providerPaymentId,
      outcome: confirmation.outcome,
    };
    this.later(this.config.PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS, () => this.deliver(body, 1, onDelivered));
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async deliver(body: ProviderWebhookBody, attempt: number, onDelivered: () => void): Promise<void> {
    const url = this.config.PAYMENT_SIMULATOR_WEBHOOK_URL;
    if (url === undefined) return;
    let status: number | string;
    try {
      const request = signedWebhook(this.config.PAYMENT_WEBHOOK_SECRET, body, Date.now());
      const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
      status = response.status;
      // 409 = this very request was accepted before: delivered.
      if (response.ok || response.status === 409) {
        onDelivered();
        return;
      }
    } catch (error) {
      status = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= MAX_DELIVERIES) {
      this.logger.error(`webhook ${body.id} not delivered after ${attempt} attempts (last: ${status})`);
      return;
    }
    const delay = Math.max(200, this.config.PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS) * 2 ** (attempt - 1);
    this.logger.warn(`webhook ${body.id} attempt ${attempt} answered ${status}; again in ${delay} ms`);
    this.later(delay, () => this.deliver(body, attempt + 1, onDelivered));
  }

  private later(delayMs: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void work();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
