/** DI tokens of the platform module (what every service's providers may inject). */

/** `Kysely<any>` over the service's own database (cast to the app's `Database` type). */
export const DATABASE = Symbol('DATABASE');
/** The kafkajs `Kafka` client. */
export const KAFKA = Symbol('KAFKA');
/** The `AvroCodec` (schemas of the published types registered at start-up). */
export const CODEC = Symbol('CODEC');
/** The `Outbox`: integration events into the outbox, in the caller's transaction. */
export const OUTBOX = Symbol('OUTBOX');
/** The prom-client `Registry` served at /metrics. */
export const METRICS = Symbol('METRICS');
/** The validated `PlatformConfig` (and the app's own variables). */
export const CONFIG = Symbol('CONFIG');
/** The `PlatformOptions` the module was built with. */
export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
/**
 * Optional: the app's deadline handlers, `Record<kind, DeadlineHandler>`. Provide it in any module
 * (e.g. with `useFactory`) and the platform runs a deadline worker for those kinds.
 */
export const DEADLINE_HANDLERS = Symbol('DEADLINE_HANDLERS');
/**
 * The `ProjectionHost` of the app's read model, when `PlatformOptions.projection` is set:
 * `schema()` names the generation that serves queries; `rebuild()` / `status()` for the admin API.
 */
export const PROJECTIONS = Symbol('PROJECTIONS');
