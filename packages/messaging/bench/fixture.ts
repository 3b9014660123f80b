/**
 * What both messaging benchmarks share: the real OrderPlaced v2 contract under a subject of the
 * run's own (the registry's real subjects stay untouched), realistic order data, clean-up.
 */
import { randomUUID } from 'node:crypto';
// @acme/contracts is not a dependency of @acme/messaging (and the benchmark may not add one): its
// catalogue is read from the sources. With `"@acme/contracts": "workspace:*"` in devDependencies
// this becomes `from '@acme/contracts'`.
import { lookup, type OrderPlacedV2 } from '@acme/contracts';
import type { Contract } from '../src/index.js';

export const orderPlaced = 'com.acme.order.placed.v2';

/** The catalogue's OrderPlaced v2 contract, moved to `topic` and to a subject named after it. */
export function benchContract(topic: string): Contract {
  const real = lookup(orderPlaced);
  return { ...real, topic, subject: `${topic}-${real.recordName}` };
}

/** A run-unique topic name (also the prefix of the scratch subject). */
export function benchTopic(prefix: string): string {
  return `${prefix}.${randomUUID().slice(0, 8)}`;
}

const skus = ['SKU-004711-RED-M', 'SKU-010042-BLUE-XL', 'SKU-133700-GREEN-S'];
const placedAt = Date.parse('2026-11-23T12:00:00Z');

/**
 * An order of three lines as the order service publishes it; about 300 bytes of Avro with the
 * wire-format prefix (`n` varies the customer and the quantities).
 */
export function orderData(orderId: string, n = 0): OrderPlacedV2 {
  const lines = skus.map((sku, i) => ({
    sku,
    quantity: 1 + ((n + i) % 4),
    unitPriceMinor: [1999, 4550, 12900][i] ?? 0,
  }));
  return {
    orderId,
    customer: {
      id: `customer-${String(100_000 + (n % 50_000))}`,
      email: `jane.doe+${String(n % 50_000)}@mail.example.com`,
      name: 'Jane Doe-Smith',
    },
    lines,
    currency: 'EUR',
    totalMinor: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0),
    paymentToken: `pm_tok_${'9f3c2a7be41d05c86a1f7e3d2b9c4a60'.repeat(3)}`,
    placedAt: placedAt + n,
    deadlineAt: placedAt + n + 15 * 60_000,
  };
}

/** Delete scratch subjects: soft, then for good (a registry refuses the hard delete before the soft one). */
export async function deleteSubjects(registryUrl: string, subjects: readonly string[]): Promise<void> {
  for (const subject of subjects) {
    const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(url, { method: 'DELETE' });
    await fetch(`${url}?permanent=true`, { method: 'DELETE' });
  }
}
