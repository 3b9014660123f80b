import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { badRequest, type FieldError } from './validation.js';

/**
 * Refuses, with a 400 naming each field, any NUL character (U+0000) in a request's path
 * parameters, query or body — keys included. Postgres cannot store it in text (`invalid byte
 * sequence for encoding "UTF8": 0x00`), so left alone it turned a bad request into a 500 deep in a
 * repository. The platform installs it as a global pipe, so it runs before every other pipe.
 *
 * @example
 *   providers: [{ provide: APP_PIPE, useClass: NoNulCharacters }]
 */
@Injectable()
export class NoNulCharacters implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'param' ? (metadata.data ?? '(params)') : `(${metadata.type})`;
    const errors: FieldError[] = [];
    collect(value, metadata.data && metadata.type !== 'param' ? metadata.data : '', root, errors);
    if (errors.length > 0) throw badRequest('invalid request', errors);
    return value;
  }
}

const message = 'must not contain a NUL character (\\u0000)';

function collect(value: unknown, path: string, root: string, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) errors.push({ field: path || root, message });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) errors.push({ field: field.replaceAll('\u0000', '\\u0000'), message });
    collect(item, field, root, errors);
  }
}
