/**
 * The one retry contract of the platform, as kafkajs has it: an error says whether trying the same
 * work again could succeed. The consumer runtime retries what is retriable (with backoff, up to a
 * limit) and dead-letters the rest at once. Errors of other packages (event store, outbox, kafkajs)
 * already carry a boolean `retriable`; `isRetriable` reads it, so they need no wrapping.
 */
export interface RetryAware {
  readonly retriable: boolean;
}

/** Base for errors a handler throws on purpose; subclasses say which kind they are. */
export abstract class MessagingError extends Error implements RetryAware {
  abstract readonly retriable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Retrying cannot help: the message is wrong for this handler (a rule it breaks, data it refers to
 * that will never exist). Goes to the dead-letter topic at once.
 *
 * @example
 *   if (!product) throw new PermanentError(`unknown sku ${sku}`);
 */
export class PermanentError extends MessagingError {
  readonly retriable = false;
}

/** Worth another try later: a dependency is down, a lock is busy. Retried with backoff. */
export class RetriableError extends MessagingError {
  readonly retriable = true;
}

/** The bytes are not a message we can read: not our wire format, or Avro that does not parse. */
export class UndecodableError extends PermanentError {}

/** The value names a schema id the registry does not know: no retry will make it known. */
export class UnknownSchemaError extends PermanentError {
  constructor(readonly schemaId: number) {
    super(`schema id ${schemaId} is not known to the schema registry`);
  }
}

/** The Kafka headers are not a valid CloudEvents 1.0 binary-mode envelope. */
export class InvalidEnvelopeError extends PermanentError {}

/** The message travelled through more handlers than the hop limit allows: a circular flow. */
export class CycleError extends PermanentError {
  constructor(
    readonly hops: number,
    readonly limit: number,
  ) {
    super(`message has made ${hops} hops, over the limit of ${limit}: a circular flow`);
  }
}

// SQLSTATE classes where a retry can succeed: connection exceptions (08), transaction rollback
// such as serialization failures and deadlocks (40), insufficient resources (53), operator
// intervention such as a shutdown (57), and system errors (58).
const retriableSqlStateClasses = new Set(['08', '40', '53', '57', '58']);
const retriableNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Whether the consumer runtime should try again. An explicit `retriable` flag wins; then Postgres
 * SQLSTATE classes and Node socket errors; anything else counts as retriable — an unexplained
 * failure gets its bounded retries before it is dead-lettered, rather than none.
 */
export function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const flagged = (error as Partial<RetryAware>).retriable;
  if (typeof flagged === 'boolean') return flagged;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Node's codes first: EPIPE has the shape of a SQLSTATE too.
    if (retriableNodeCodes.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return retriableSqlStateClasses.has(code.slice(0, 2));
  }
  return true;
}

/** The class name of an error, for dead-letter records and metrics labels. */
export function errorClass(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.constructor.name : error.name;
  return typeof error;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
