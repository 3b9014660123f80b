import { handleCommand, handleCommands, type CommandOutcome } from '@acme/event-store';
import { RetriableError, type Cause } from '@acme/messaging';
import { DATABASE, OUTBOX, type Outbox } from '@acme/service';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import {
  nextProviderCall,
  paymentDecider,
  paymentStreamId,
  PaymentProviderError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentState,
  type RefundRequest,
} from '../domain/index.js';
import type { PaymentConfig } from '../config.js';
import { countProviderTimeout } from '../infrastructure/provider-timeouts.js';
import type { PaymentTables } from '../infrastructure/tables.js';
import { integrationEvents } from './integration-events.js';
import { PAYMENT_CONFIG, PAYMENT_PROVIDER } from '../payment.tokens.js';

/** What a command on the payment stream carries besides its type and data. */
type CommandInput = PaymentCommand extends infer C
  ? C extends PaymentCommand
    ? Omit<C, 'metadata'>
    : never
  : never;

/** One command of a run for `runMany`. */
export interface PaymentStep {
  orderId: string;
  command: CommandInput;
  cause: Cause;
}

/**
 * The payment of one order, driven: decide a command on its stream (publishing the public facts in
 * the same transaction), then make the provider calls the new state waits for and record their
 * answers — in the caller's transaction (an event handler's inbox transaction, or a webhook's).
 *
 * The provider is idempotent per key (the order id; `<orderId>:refund`), so when the transaction
 * rolls back after a call (a timeout, a crash, a conflict) the redelivered event simply asks again.
 */
@Injectable()
export class PaymentProcess {
  private readonly logger = new Logger(PaymentProcess.name);

  constructor(
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(DATABASE) private readonly db: Kysely<PaymentTables>,
    @Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig,
  ) {}

  /** Decide `command` on the order's payment, then settle what the provider owes; the final state. */
  async run(
    tx: Transaction<PaymentTables>,
    orderId: string,
    command: CommandInput,
    cause: Cause,
  ): Promise<PaymentState> {
    const outcome = await this.decide(tx, orderId, command, cause);
    return this.settle(tx, orderId, outcome.state, cause);
  }

  /**
   * A run of commands (an event handler's batch) in the caller's transaction, set-based: all
   * decided and appended together, then the provider calls their orders now wait for made side
   * by side, and all their answers recorded together — two or three statements per step for the
   * run instead of per order. Any failure (a provider timeout included) fails the run; the
   * consumer then runs its events one by one, and the provider, idempotent per order, answers a
   * call it already made with the same result.
   */
  async runMany(tx: Transaction<PaymentTables>, steps: readonly PaymentStep[]): Promise<void> {
    const [only] = steps;
    if (steps.length === 1 && only) {
      await this.run(tx, only.orderId, only.command, only.cause);
      return;
    }
    let states = await this.decideMany(tx, steps);
    // As in `settle`: at most a charge, then the refund of a charge that landed after the cancellation.
    for (let calls = 0; calls < 3 && states.size > 0; calls++) {
      const due = [...states].flatMap(([orderId, { state, cause }]) => {
        const call = nextProviderCall(state);
        return call ? [{ orderId, call, cause }] : [];
      });
      if (due.length === 0) return;
      const answers = await Promise.all(
        due.map(async ({ orderId, call, cause }): Promise<PaymentStep> => ({
          orderId,
          cause,
          command:
            call.kind === 'charge'
              ? {
                  type: 'RecordProviderResult',
                  data: { result: await this.charge(orderId, call.request, { inRun: true }) },
                }
              : { type: 'RecordRefund', data: { providerRefundId: await this.refund(call.request) } },
        })),
      );
      states = await this.decideMany(tx, answers);
    }
  }

  /** The steps decided together; per order, its state after the last of them and that step's cause. */
  private async decideMany(
    tx: Transaction<PaymentTables>,
    steps: readonly PaymentStep[],
  ): Promise<Map<string, { state: PaymentState; cause: Cause }>> {
    const now = Date.now();
    const outcomes = await handleCommands(tx as Transaction<unknown>, {
      decider: paymentDecider,
      commands: steps.map(({ orderId, command, cause }) => ({
        streamId: paymentStreamId(orderId),
        command: { ...command, metadata: { now } },
        correlationId: cause.correlationId,
        causationId: cause.causationId,
        ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
      })),
      afterAppend: (appendTx, outcomes) =>
        this.outbox.publish(
          appendTx,
          outcomes.flatMap((outcome, i) => {
            const step = steps[i];
            return step ? integrationEvents(step.orderId, outcome.events, step.cause) : [];
          }),
        ),
    });
    const states = new Map<string, { state: PaymentState; cause: Cause }>();
    outcomes.forEach((outcome, i) => {
      const step = steps[i];
      if (step) states.set(step.orderId, { state: outcome.state, cause: step.cause });
    });
    return states;
  }

  private async settle(
    tx: Transaction<PaymentTables>,
    orderId: string,
    initial: PaymentState,
    cause: Cause,
  ): Promise<PaymentState> {
    let state = initial;
    // At most a charge, then the refund of a charge that landed after the cancellation.
    for (let calls = 0; calls < 3; calls++) {
      const call = nextProviderCall(state);
      if (!call) return state;
      const command: CommandInput =
        call.kind === 'charge'
          ? { type: 'RecordProviderResult', data: { result: await this.charge(orderId, call.request) } }
          : { type: 'RecordRefund', data: { providerRefundId: await this.refund(call.request) } };
      state = (await this.decide(tx, orderId, command, cause)).state;
    }
    return state;
  }

  /**
   * A timeout is retried by throwing: the consumer redelivers with backoff and the same idempotent
   * call is made again. After PAYMENT_PROVIDER_MAX_ATTEMPTS timeouts the charge is given up as
   * declined (provider_timeout), so the order is cancelled instead of waiting for ever. In a run
   * the timeout is not counted: the run fails and its events are handled one by one at once, and
   * that attempt counts it.
   */
  private async charge(
    orderId: string,
    request: ChargeRequest,
    options: { inRun?: boolean } = {},
  ): Promise<ChargeResult> {
    try {
      return await this.provider.charge(request);
    } catch (error) {
      if (!(error instanceof PaymentProviderError) || !error.retriable) throw error;
      if (options.inRun)
        throw new RetriableError(`charge of order ${orderId} in a run: ${error.message}`, { cause: error });
      // Counted on a connection of its own: the inbox transaction is about to roll back.
      const timeouts = await countProviderTimeout(this.db, orderId, 'charge', error.message);
      const max = this.config.PAYMENT_PROVIDER_MAX_ATTEMPTS;
      if (timeouts < max)
        throw new RetriableError(`charge of order ${orderId}: ${error.message} (${timeouts} of ${max})`, {
          cause: error,
        });
      this.logger.warn(`charge of order ${orderId} given up after ${timeouts} provider timeouts`);
      return {
        status: 'declined',
        code: 'provider_timeout',
        reason: `The payment provider did not answer (${timeouts} attempts).`,
      };
    }
  }

  /** Money must go back: a refund timeout is never given up, it stays retriable (then the DLQ). */
  private async refund(request: RefundRequest): Promise<string> {
    return (await this.provider.refund(request)).providerRefundId;
  }

  private decide(
    tx: Transaction<PaymentTables>,
    orderId: string,
    command: CommandInput,
    cause: Cause,
  ): Promise<CommandOutcome<PaymentState, PaymentEvent>> {
    return handleCommand(tx, {
      decider: paymentDecider,
      streamId: paymentStreamId(orderId),
      command: { ...command, metadata: { now: Date.now() } },
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      afterAppend: (appendTx, { events }) =>
        this.outbox.publish(appendTx, integrationEvents(orderId, events, cause)),
    });
  }
}
