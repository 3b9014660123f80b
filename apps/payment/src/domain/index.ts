export { WEBHOOK_FAILURE, type Command, type PaymentCommand } from './commands.js';
export { decidePayment, paymentDecider, paymentStreamId } from './decide.js';
export {
  InvalidPaymentCommandError,
  NoChargeRequestedError,
  NoRefundRequestedError,
  OrderMismatchError,
  PaymentDomainError,
  ProviderPaymentMismatchError,
} from './errors.js';
export { evolvePayment, initialPaymentState, paymentEventTypes } from './payment.js';
export type {
  CancellationReason,
  ChargeStatus,
  PaymentEvent,
  PaymentEventType,
  PaymentState,
  RegisteredOrder,
} from './payment.js';
export { nextProviderCall, type ProviderCall } from './provider-call.js';
export { PaymentProviderError, ProviderRequestRejectedError, ProviderTimeoutError } from './provider.js';
export type {
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from './provider.js';
export { signWebhook, verifyWebhook } from './webhook-signature.js';
export type { VerifyWebhookInput, WebhookBody, WebhookVerification } from './webhook-signature.js';
