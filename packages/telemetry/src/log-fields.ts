import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';

/** Fields every log line written within some work carries: correlation id, order id, … */
export type LogFields = Readonly<Record<string, string | number | undefined>>;

const scope = new AsyncLocalStorage<LogFields>();

/**
 * Run `work` with `fields` added to every log line written inside it (through `logMixin`), on
 * top of the fields of the enclosing scope.
 *
 * @example
 *   await withLogFields({ correlationId, orderId }, () => handle(event));
 */
export function withLogFields<T>(fields: LogFields, work: () => T): T {
  const outer = scope.getStore();
  return scope.run(outer ? { ...outer, ...fields } : fields, work);
}

/**
 * A pino `mixin`: the active scope's fields plus the active span's `traceId` and `spanId`, so a
 * log line leads to its trace in Jaeger and a trace to its log lines.
 *
 * @example
 *   pino({ mixin: logMixin });
 */
export function logMixin(): Record<string, unknown> {
  const fields = scope.getStore();
  const span = trace.getActiveSpan()?.spanContext();
  if (!span || !trace.isSpanContextValid(span)) return fields ? { ...fields } : {};
  return { ...fields, traceId: span.traceId, spanId: span.spanId };
}
