// Telemetry first: its hooks must be in place before the modules it instruments (http, express,
// pg) are loaded, so the service is imported only once it has started.
import { startTelemetry } from '@acme/telemetry/sdk';

await startTelemetry({ service: 'order', entry: import.meta.url });
await import('./service.js');
