import { eventually } from '@acme/testing';
import { sql, type Kysely } from 'kysely';

/**
 * Which transaction handled each consumed event (the xmin of its inbox row), once every one of
 * `ids` is handled: events of one batch share a transaction, events handled one by one do not.
 *
 * @example
 *   const ids = await world.tap.publishTogether([placed(a), placed(b)], key);
 *   expect(new Set((await inboxTransactions(world.db, ids)).values()).size).toBe(1);
 */
export function inboxTransactions(db: Kysely<unknown>, ids: readonly string[]): Promise<Map<string, string>> {
  return eventually(
    async () => {
      const { rows } = await sql<{ message_id: string; tx: string }>`
        SELECT message_id, xmin::text AS tx FROM inbox WHERE message_id = ANY(${[...ids]}::text[])`.execute(
        db,
      );
      return rows.length === ids.length ? new Map(rows.map((r) => [r.message_id, r.tx])) : undefined;
    },
    { description: `${ids.length} events handled` },
  );
}

/** Those of `ids` the consumer has handled (committed) so far. */
export async function handledIds(db: Kysely<unknown>, ids: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ message_id: string }>`
    SELECT message_id FROM inbox WHERE message_id = ANY(${[...ids]}::text[])`.execute(db);
  return rows.map((r) => r.message_id);
}
