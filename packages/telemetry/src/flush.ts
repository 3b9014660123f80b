import { trace, type TracerProvider } from '@opentelemetry/api';

interface Flushable {
  forceFlush(): Promise<void>;
}

/**
 * Export the spans still buffered, if an SDK is running — before a process exits, or its last
 * seconds are missing from Jaeger. Resolves at once without an SDK; never rejects (a collector
 * that is down must not hold up a shutdown).
 */
export async function flushTelemetry(): Promise<void> {
  let provider: TracerProvider = trace.getTracerProvider();
  // The API hands out a proxy; the SDK's provider is behind it.
  if ('getDelegate' in provider && typeof provider.getDelegate === 'function')
    provider = (provider.getDelegate as () => TracerProvider)();
  if ('forceFlush' in provider && typeof provider.forceFlush === 'function')
    await (provider as Flushable).forceFlush().catch(() => undefined);
}
