import type { ErrorRequestHandler, RequestHandler } from 'express';
import express from 'express';
import type { BadRequestBody } from './validation.js';

/** A request after `jsonBody`: `rawBody` holds the bytes of a JSON body as received. */
export interface RawBodyRequest {
  rawBody?: Buffer;
}

/**
 * JSON bodies up to `limit` bytes. Express' parser errors never reach Nest's exception filters, so
 * they are answered here, in the same shape as a validation error: malformed JSON, a body over the
 * limit, another content type or encoding → 400 with the reason under the field `(body)`.
 */
export function jsonBody(limit: number): [RequestHandler, ErrorRequestHandler] {
  const parse = express.json({
    limit,
    strict: true,
    // Signed requests (webhooks) are verified over the exact bytes received, not a re-serialisation.
    verify: (req, _res, buf) => {
      (req as RawBodyRequest).rawBody = buf;
    },
  });
  const answer: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    const type = (error as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !(type in reasons)) {
      next(error);
      return;
    }
    const body: BadRequestBody = {
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid request body',
      errors: [{ field: '(body)', message: reasons[type]?.(limit) ?? type }],
    };
    res.status(400).json(body);
  };
  return [parse, answer];
}

const reasons: Record<string, (limit: number) => string> = {
  'entity.parse.failed': () => 'malformed JSON',
  'entity.too.large': (limit) => `larger than ${limit} bytes`,
  'encoding.unsupported': () => 'unsupported content encoding',
  'charset.unsupported': () => 'unsupported charset (use utf-8)',
  'entity.verify.failed': () => 'body rejected',
  'request.aborted': () => 'request aborted',
  'request.size.invalid': () => 'body shorter or longer than its Content-Length',
};
