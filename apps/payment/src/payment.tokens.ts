/** DI tokens of the payment app. */

/** The `PaymentProvider` port (the bundled `ProviderSimulator` unless replaced). */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
/** The validated `PaymentConfig` (typed; the platform's `CONFIG` holds the same object). */
export const PAYMENT_CONFIG = Symbol('PAYMENT_CONFIG');
