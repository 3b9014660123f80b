import { BadRequestException, Body, Query, StandardSchemaValidationPipe } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';

/** One invalid field of a request: its dotted path (`lines.0.quantity`) and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}

/** The body of every 400 this platform answers. */
export interface BadRequestBody {
  statusCode: 400;
  error: 'Bad Request';
  message: string;
  errors: FieldError[];
}

export function badRequest(message: string, errors: FieldError[]): BadRequestException {
  const body: BadRequestBody = { statusCode: 400, error: 'Bad Request', message, errors };
  return new BadRequestException(body);
}

/**
 * A pipe that answers 400 with every invalid field, before the handler runs (so nothing is read or
 * written). An issue about the whole input (an unknown key of a strict object, not an object at
 * all) is reported under `root`.
 */
export function validationPipe(root: string): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) =>
      badRequest(
        'invalid request',
        issues.map((issue) => ({
          field:
            (issue.path ?? [])
              .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
              .join('.') || root,
          message: issue.message,
        })),
      ),
  });
}

/** Validation of a request body: whole-body issues under the field `(body)`. */
export const validation = validationPipe('(body)');

/** Validation of a query string: whole-query issues under the field `(query)`. */
export const queryValidation = validationPipe('(query)');

/**
 * The request body, validated by a zod (any Standard Schema) schema; the same schema documents it
 * in the OpenAPI document.
 *
 * @example
 *   @Post() place(@ValidBody(placeOrderBody) body: PlaceOrderBody) { ... }
 */
export const ValidBody = (schema: StandardSchemaV1): ParameterDecorator =>
  Body({ schema, pipes: [validation] });

/** The query string, validated by a schema (see `ValidBody`). */
export const ValidQuery = (schema: StandardSchemaV1): ParameterDecorator =>
  Query({ schema, pipes: [queryValidation] });
