/** DI tokens of the messaging Nest modules. */

/** `MessagingModuleOptions`: the consumer runtime's options, without the handlers. */
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** `MessagingAdminOptions` of the dead-letter admin endpoints. */
export const DLQ_ADMIN_OPTIONS = Symbol('DLQ_ADMIN_OPTIONS');

/**
 * The `CanActivate` every dead-letter admin request must pass (default: let everything through).
 * The slot for the admin-role check; set it with `MessagingAdminModule.forRoot({ guard })`.
 */
export const DLQ_ADMIN_AUTHORIZATION = Symbol('DLQ_ADMIN_AUTHORIZATION');
