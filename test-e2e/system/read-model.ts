/**
 * The read model against a replay: analytics rebuilt blue/green from the beginning of the topics
 * must hold, table by table, exactly what the generation that served built live. Used by the saga
 * suite and by the fault suite (after every fault).
 */
import { eventually } from '@acme/testing';
import { sql } from 'kysely';
import type { ReadModelGeneration } from './api.js';
import type { SystemWorld } from './world.js';

/** The analytics tables a generation holds (its own Postgres schema). */
export const readModelTables = ['order_view', 'order_events', 'sales_by_minute', 'product_sales_by_minute'];

/**
 * Start a rebuild and wait until the new generation serves. `whileBuilding` runs once it has
 * started (the old generation still serving).
 */
export async function rebuildReadModel(
  world: SystemWorld,
  options: { whileBuilding?: () => Promise<void>; timeoutMs?: number } = {},
): Promise<{ serving: ReadModelGeneration; rebuilt: ReadModelGeneration }> {
  const serving = (await world.api.rebuildStatus()).body.active;
  if (!serving) throw new Error('analytics serves no generation');
  const started = await world.api.rebuild();
  if (started.status !== 202)
    throw new Error(`POST /admin/rebuild answered ${started.status}: ${JSON.stringify(started.body)}`);
  await options.whileBuilding?.();
  await eventually(
    async () =>
      (await world.api.rebuildStatus()).body.active?.generation === started.body.generation
        ? true
        : undefined,
    {
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 250,
      description: 'the rebuilt generation to serve',
    },
  );
  return { serving, rebuilt: started.body };
}

/**
 * Row by row: each table of the rebuilt generation equals the live-built one's (count and an md5
 * over the sorted rows). The switch needs the new generation only as far as the old one had
 * committed; what the old one handled beyond that, the new one (consuming on) reaches a moment
 * later — hence the deadline.
 */
export async function expectRebuiltEqualsLive(
  world: SystemWorld,
  { serving, rebuilt }: { serving: ReadModelGeneration; rebuilt: ReadModelGeneration },
  timeoutMs = 30_000,
): Promise<void> {
  const db = world.db('analytics');
  const digest = async (schema: string, table: string) =>
    (
      await sql<{ rows: number; digest: string }>`
        SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
        FROM ${sql.table(`${schema}.${table}`)} AS t`.execute(db)
    ).rows[0];
  await eventually(
    async () => {
      for (const table of readModelTables)
        expect({ table, ...(await digest(rebuilt.schema, table)) }).toEqual({
          table,
          ...(await digest(serving.schema, table)),
        });
      return true;
    },
    { timeoutMs, intervalMs: 500, description: 'the rebuilt tables to equal the live-built ones' },
  );
}
