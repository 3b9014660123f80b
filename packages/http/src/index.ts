export { jsonBody, type RawBodyRequest } from './body.js';
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
