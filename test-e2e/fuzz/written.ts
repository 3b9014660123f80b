import { sql } from 'kysely';
import { serviceNames, type ServiceName } from '../system/system.js';
import type { SystemWorld } from '../system/world.js';

/**
 * Rows in each service's event store (`events`, @acme/event-store) and outbox (`outbox`,
 * @acme/outbox) — what any accepted command writes, in the same transaction. Neither shrinks while
 * a test runs: events are immutable, and only outbox rows dispatched more than a day ago are pruned.
 */
export type Written = Record<ServiceName, { events: number; outbox: number }>;

export async function written(world: SystemWorld): Promise<Written> {
  const counts = await Promise.all(
    serviceNames.map(async (name) => {
      const { rows } = await sql<{ events: number; outbox: number }>`
        SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM outbox)::int AS outbox
      `.execute(world.db(name));
      const row = rows[0];
      if (row === undefined) throw new Error(`${name}: no counts`);
      return [name, row] as const;
    }),
  );
  return Object.fromEntries(counts) as Written;
}
