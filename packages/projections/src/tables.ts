import type { ColumnType, Kysely, Selectable, Transaction } from 'kysely';

export type GenerationStatus = 'building' | 'active' | 'retired' | 'abandoned' | 'dropped';

export interface ProjectionGenerationsTable {
  projection: string;
  generation: number;
  schema_name: string;
  group_id: string;
  status: GenerationStatus;
  created_at: ColumnType<Date, never, never>;
  activated_at: Date | null;
  retired_at: Date | null;
  dropped_at: Date | null;
}

export interface ProjectionsDatabase {
  projection_generations: ProjectionGenerationsTable;
}

export type GenerationRow = Selectable<ProjectionGenerationsTable>;

/** Any app's database seen as holding the generations table. */
export function projectionsView(db: Kysely<unknown> | Transaction<unknown>): Kysely<ProjectionsDatabase> {
  return db as unknown as Kysely<ProjectionsDatabase>;
}
