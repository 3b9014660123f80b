export { jsonBody, type RawBodyRequest } from './body.js';
export { NoNulCharacters } from './nul-characters.js';
export {
  badRequest,
  queryValidation,
  validation,
  validationPipe,
  ValidBody,
  ValidQuery,
  type BadRequestBody,
  type FieldError,
} from './validation.js';
export {
  adminRole,
  hasRole,
  Principal,
  Public,
  PUBLIC_ROUTE,
  REQUIRED_ROLES,
  RequireRole,
  type AuthenticatedRequest,
} from './access.js';
