/**
 * A subscription filter that cannot be compiled. Services compile their filters at start-up, so this
 * stops the service with the path and the reason instead of silently matching nothing. Never worth
 * retrying: the same pattern fails the same way.
 *
 * @example
 *   try {
 *     compileFilter({ data: { lines: { sku: [{ prefix: 5 }] } } });
 *   } catch (error) {
 *     // error.path === 'data.lines.sku', error.reason === 'prefix must be a string, got 5'
 *   }
 */
export class InvalidPatternError extends Error {
  override readonly name = 'InvalidPatternError';
  readonly retriable = false;

  constructor(
    /** Dotted path of the offending field, e.g. `data.lines.sku`; empty for the pattern itself. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === '' ? `invalid event pattern: ${reason}` : `invalid event pattern at ${path}: ${reason}`);
  }
}

/** A pattern value as the author wrote it (JSON), short enough for an error message. */
export function show(value: unknown): string {
  let text: string | undefined;
  if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else {
    try {
      // undefined for undefined, functions and symbols, whatever the declared type says.
      text = JSON.stringify(value);
    } catch {
      // A cycle or a bigint deep inside: the type will do.
    }
  }
  text ??= typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
