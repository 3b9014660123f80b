export { createServiceApp, runService, startService, type ServiceAppOptions } from './bootstrap.js';
export {
  ConfigError,
  loadConfig,
  platformConfigSchema,
  type PlatformConfig,
  type ServiceDefaults,
} from './config.js';
export { RequestCause } from './correlation.js';
// HTTP input lives in @acme/http (the messaging admin API uses it too); services get it from here.
export {
  badRequest,
  jsonBody,
  queryValidation,
  validation,
  validationPipe,
  ValidBody,
  ValidQuery,
  type BadRequestBody,
  type FieldError,
  type RawBodyRequest,
} from '@acme/http';
export { correlationHeader, rootLogger } from './logging.js';
export { counter, histogram, Registry, type Counter, type Histogram } from './metrics.js';
export { Outbox } from './outbox.js';
export { PlatformModule } from './platform.module.js';
export type { ConsumerOptions, PlatformOptions, ProjectionOptions } from './platform.options.js';
export { PlatformLifecycle } from './platform.lifecycle.js';
export {
  CODEC,
  CONFIG,
  DATABASE,
  DEADLINE_HANDLERS,
  KAFKA,
  METRICS,
  OUTBOX,
  PLATFORM_OPTIONS,
  PROJECTIONS,
} from './platform.tokens.js';
