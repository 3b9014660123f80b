/**
 * Which operations of a service's OpenAPI document are fuzzed, and with which token. The document
 * itself says which ones need a role: `documentAccess` (@acme/service) gives every role route a
 * documented 403, so those run with an admin token, every other one with a customer's.
 */
import { serviceNames, type ServiceName } from '../system/system.js';

/** Who calls an operation: a customer, or an operator holding the admin role. */
export type Caller = 'customer' | 'admin';

/** One operation as the document lists it. */
export interface Operation {
  service: ServiceName;
  operationId: string;
  /** `GET /orders/{id}`, as schemathesis names it in its reports. */
  label: string;
  caller: Caller;
}

/**
 * Operations that cannot be fuzzed meaningfully, each with the reason. Every entry must still be in
 * its document (the suite checks), so a removed route does not leave a stale exclusion behind.
 *
 * Not excluded, on purpose: the payment provider's webhook (POST /webhooks/provider). Its HMAC
 * signature covers the raw body, which a generated request cannot carry, so every fuzzed request
 * lacks a valid signature — and must still get a 4xx (401 from the signature guard, before any
 * body is read), never a 5xx. That property is what the fuzzer checks there; the signed path is
 * the saga suite's.
 */
export const excluded: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    serviceNames.flatMap((service) => [
      [
        `${service} HealthController_live`,
        'the probes take no input at all, so there is nothing to generate; and readiness answers ' +
          'what Kafka and Postgres are doing, not what was sent: its documented 503 when a broker ' +
          'check times out on a loaded machine would be noise here. The security suite checks that ' +
          'they are public.',
      ],
      [`${service} HealthController_ready`, 'as the liveness probe'],
    ]),
  ),
  'analytics DashboardController_stream':
    'GET /dashboard/stream is a server-sent event stream: the response never ends, so every request ' +
    'would only wait out the request timeout. The dashboard tests (apps/analytics/test/dashboard) read it.',
};

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
}

const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Every operation in `document`, the excluded ones included (callers filter with `excluded`). */
export function operationsOf(service: ServiceName, document: unknown): Operation[] {
  const { paths } = document as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths))
    for (const [method, operation] of Object.entries(item)) {
      if (!methods.has(method)) continue;
      if (operation.operationId === undefined)
        throw new Error(`${service}: ${method.toUpperCase()} ${path} has no operationId`);
      operations.push({
        service,
        operationId: operation.operationId,
        label: `${method.toUpperCase()} ${path}`,
        caller: operation.responses?.['403'] === undefined ? 'customer' : 'admin',
      });
    }
  return operations;
}

export const exclusionKey = (operation: Pick<Operation, 'service' | 'operationId'>): string =>
  `${operation.service} ${operation.operationId}`;
