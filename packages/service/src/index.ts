export { TOKEN_VERIFIER } from './auth/auth.tokens.js';
export { BearerAuthGuard } from './auth/bearer-auth.guard.js';
export {
  RateLimited,
  RateLimitModule,
  SubjectThrottlerGuard,
  type RateLimitOptions,
} from './auth/rate-limit.js';
export { InvalidTokenError, tokenVerifier, type TokenVerifier } from './auth/token-verifier.js';
export { createServiceApp, runService, startService, type ServiceAppOptions } from './bootstrap.js';
export {
  ConfigError,
  loadConfig,
  minJwtSecretLength,
  platformConfigSchema,
  type PlatformConfig,
  type ServiceDefaults,
} from './config.js';
export { RequestCause } from './correlation.js';
// HTTP input lives in @acme/http (the messaging admin API uses it too); services get it from here.
export {
  adminRole,
  badRequest,
  hasRole,
  jsonBody,
  Principal,
  Public,
  RequireRole,
  queryValidation,
  validation,
  validationPipe,
  ValidBody,
  ValidQuery,
  type AuthenticatedRequest,
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
