import {
  forgetConsumer,
  MessageConsumer,
  type AvroCodec,
  type Handler,
  type UpcastStep,
} from '@acme/messaging';
import { silentLogger, type Logger } from '@acme/postgres';
import type { Admin, Kafka } from 'kafkajs';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import {
  caughtUp,
  committedOffsets,
  logBounds,
  positionOf,
  type LogBounds,
  type PartitionOffsets,
  type Position,
} from './offsets.js';
import { ProgressMeter, type RebuildProgress } from './progress.js';
import type { ProjectionSpec } from './projection.js';
import { projectionsView, type GenerationRow, type GenerationStatus } from './tables.js';

export interface ProjectionHostOptions<DB> {
  spec: ProjectionSpec<DB>;
  db: Kysely<DB>;
  kafka: Kafka;
  codec: AvroCodec;
  /** One step per old event type (`contractUpcasters.steps`). */
  upcasters?: Readonly<Record<string, UpcastStep>>;
  /** The deployment's prefix of topics and consumer groups (KAFKA_TOPIC_PREFIX). */
  prefix?: string;
  /** Messages of a partition per transaction (default 500: a projection writes set-based). */
  batchSize?: number;
  partitionsConsumedConcurrently?: number;
  maxAttempts?: number;
  /** How often this instance reconciles its consumers with the generations table (default 1 s). */
  pollIntervalMs?: number;
  /** Retired generations kept for a look back before their schema is dropped (default 1). */
  keepRetired?: number;
  /** How long a retired or abandoned generation is kept at least, so every instance has let go of it (default 30 s). */
  dropGraceMs?: number;
  metrics?: Registry;
  logger?: Logger;
}

/** One generation as the admin API shows it. */
export interface GenerationInfo {
  generation: number;
  schema: string;
  groupId: string;
  status: GenerationStatus;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

export interface ProjectionStatus {
  projection: string;
  /** The generation queries read. */
  active: GenerationInfo | undefined;
  /** The generation being built, with its progress (null until measured). */
  building: (GenerationInfo & { progress: RebuildProgress | null }) | undefined;
  /** Every generation, newest first, dropped ones included (the history of rebuilds). */
  generations: GenerationInfo[];
}

/** A rebuild was asked for while one is running. Not retriable: wait for it, or abandon it. */
export class RebuildInProgressError extends Error {
  override readonly name = 'RebuildInProgressError';
  readonly retriable = false;

  constructor(readonly generation: GenerationInfo) {
    super(`generation ${String(generation.generation)} of this read model is being built already`);
  }
}

const validName = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * Runs a read model (`ProjectionSpec`) and rebuilds it blue/green, with Postgres as the only
 * coordinator, so any number of instances may run it.
 *
 * Each generation has its own schema (`<name>_g<N>`) and consumer group (`<prefix><name>.g<N>`).
 * The serving ("active") generation is consumed live. `rebuild()` creates generation N+1 with
 * fresh tables and a new group that reads every topic from the beginning, while N keeps serving;
 * when N+1 has read at least as far as N on every partition, one transaction makes it active and
 * N retired. Every instance reconciles with the generations table each `pollIntervalMs`: it runs
 * the consumers of the active and building generations, stops the others, and serves
 * `schema()` of the active one. Retired generations beyond `keepRetired` are dropped (schema,
 * inbox rows, consumer group).
 *
 * @example
 *   const host = new ProjectionHost({ spec: salesProjection, db, kafka, codec });
 *   await host.start();
 *   db.withSchema(host.schema()).selectFrom('totals')…   // per query: a switch changes it
 *   await host.rebuild();                                 // returns at once; watch host.status()
 *   await host.stop();
 */
export class ProjectionHost<DB> {
  private readonly consumers = new Map<number, MessageConsumer<DB>>();
  private readonly meters = new Map<number, ProgressMeter>();
  private readonly progress = new Map<number, RebuildProgress>();
  private readonly log: Logger;
  private readonly topics: string[];
  private activeRow: GenerationRow | undefined;
  private admin: Promise<Admin> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private tickChain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly gauges:
    { generation: Gauge<'projection'>; lag: Gauge<'projection'>; rate: Gauge<'projection'> } | undefined;

  constructor(private readonly options: ProjectionHostOptions<DB>) {
    if (!validName.test(options.spec.name))
      throw new Error(`projection name ${JSON.stringify(options.spec.name)}: lower case letters, digits, _`);
    this.log = options.logger ?? silentLogger;
    this.topics = options.spec.topics.map((t) => (options.prefix ?? '') + t);
    this.gauges = options.metrics ? projectionGauges(options.metrics) : undefined;
  }

  get name(): string {
    return this.options.spec.name;
  }

  /** The schema of the serving generation. Ask per query: a rebuild switches it at run time. */
  schema(): string {
    const schema = this.servingSchema;
    if (schema === undefined) throw new Error(`read model ${this.name} is not started`);
    return schema;
  }

  /** The serving schema, or undefined before start-up (for readiness). */
  get servingSchema(): string | undefined {
    return this.activeRow?.schema_name;
  }

  /** Consumer groups this instance runs now (for readiness). */
  get runningGroups(): string[] {
    return [...this.consumers.values()].map((c) => c.groupId);
  }

  /** Create the first generation if there is none, start consuming, reconcile periodically. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.db.transaction().execute(async (tx) => {
      await this.lock(tx);
      const live = await this.rows(tx, ['active', 'building']);
      if (live.length === 0) await this.createGeneration(tx, 'active');
    });
    await this.tick();
    this.schedule();
  }

  /** Stop the consumers (in-flight batches commit first); the tables stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tickChain;
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
    this.consumers.clear();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  /**
   * Start building a new generation from the beginning of the topics. Returns once its tables
   * exist and its consumer runs; the switch happens by itself when it has caught up.
   * @throws RebuildInProgressError when a generation is being built already
   */
  async rebuild(): Promise<GenerationInfo> {
    const row = await this.db.transaction().execute(async (tx) => {
      await this.lock(tx);
      const [building] = await this.rows(tx, ['building']);
      if (building) throw new RebuildInProgressError(info(building));
      return this.createGeneration(tx, 'building');
    });
    this.log.info(
      { projection: this.name, generation: row.generation, schema: row.schema_name },
      'rebuild started',
    );
    await this.tick();
    return info(row);
  }

  /** Give up the generation being built (its schema is dropped after the grace period). */
  async abandon(): Promise<GenerationInfo | undefined> {
    const row = await projectionsView(this.db as Kysely<unknown>)
      .updateTable('projection_generations')
      .set({ status: 'abandoned', retired_at: new Date() })
      .where('projection', '=', this.name)
      .where('status', '=', 'building')
      .returningAll()
      .executeTakeFirst();
    if (row) this.log.warn({ projection: this.name, generation: row.generation }, 'rebuild abandoned');
    await this.tick();
    return row && info(row);
  }

  /** The serving generation, the one being built with its progress, and the history. */
  async status(): Promise<ProjectionStatus> {
    const rows = await projectionsView(this.db as Kysely<unknown>)
      .selectFrom('projection_generations')
      .selectAll()
      .where('projection', '=', this.name)
      .orderBy('generation', 'desc')
      .execute();
    const active = rows.find((r) => r.status === 'active');
    const building = rows.find((r) => r.status === 'building');
    let progress: RebuildProgress | null = null;
    if (building) progress = this.progress.get(building.generation) ?? (await this.measure(building));
    return {
      projection: this.name,
      active: active && info(active),
      building: building && { ...info(building), progress },
      generations: rows.map(info),
    };
  }

  /**
   * How far a generation's consumer group has read the topics (the serving one too: a first
   * generation serves while it reads the backlog).
   */
  async position(generation: number): Promise<Position> {
    const row = await projectionsView(this.db as Kysely<unknown>)
      .selectFrom('projection_generations')
      .selectAll()
      .where('projection', '=', this.name)
      .where('generation', '=', generation)
      .executeTakeFirst();
    if (!row) throw new Error(`read model ${this.name} has no generation ${String(generation)}`);
    const { committed, bounds } = await this.offsets(row.group_id);
    return positionOf(committed, bounds);
  }

  /** Reconcile now (serialised with the periodic runs). */
  tick(): Promise<void> {
    const next = this.tickChain.then(() => this.reconcile());
    this.tickChain = next.catch((error: unknown) => {
      this.log.warn({ projection: this.name, err: error }, 'read model reconcile failed; retrying');
    });
    return next;
  }

  private get db(): Kysely<DB> {
    return this.options.db;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick()
        .catch(() => undefined)
        .finally(() => {
          this.schedule();
        });
    }, this.options.pollIntervalMs ?? 1_000);
    this.timer.unref();
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.rows(this.db, ['active', 'building', 'retired', 'abandoned']);
    const active = rows.find((r) => r.status === 'active');
    if (active && active.generation !== this.activeRow?.generation) {
      if (this.activeRow)
        this.log.info({ projection: this.name, generation: active.generation }, 'now serving');
      this.activeRow = active;
      this.gauges?.generation.set({ projection: this.name }, active.generation);
    }
    const wanted = new Map(
      rows.filter((r) => r.status === 'active' || r.status === 'building').map((r) => [r.generation, r]),
    );
    for (const [generation, consumer] of this.consumers)
      if (!wanted.has(generation)) {
        this.consumers.delete(generation);
        this.meters.delete(generation);
        this.progress.delete(generation);
        await consumer.stop();
      }
    for (const [generation, row] of wanted)
      if (!this.consumers.has(generation)) {
        const consumer = this.consumerFor(row);
        await consumer.start();
        this.consumers.set(generation, consumer);
      }
    const building = rows.find((r) => r.status === 'building');
    if (building && this.consumers.has(building.generation)) await this.advance(building, active);
    else this.gauges?.lag.set({ projection: this.name }, 0);
    await this.dropOld(rows);
  }

  /** Measure the generation being built; switch to it once it has caught up with the serving one. */
  private async advance(building: GenerationRow, active: GenerationRow | undefined): Promise<void> {
    const { committed: candidate, bounds } = await this.offsets(building.group_id);
    const progress = this.meterOf(building.generation).sample(positionOf(candidate, bounds));
    this.progress.set(building.generation, progress);
    this.gauges?.lag.set({ projection: this.name }, progress.lag);
    this.gauges?.rate.set({ projection: this.name }, progress.messagesPerSecond ?? 0);
    const reference = active
      ? await committedOffsets(await this.connectedAdmin(), active.group_id, this.topics)
      : new Map<string, bigint>();
    if (caughtUp(candidate, reference, bounds)) await this.switchTo(building);
  }

  private async switchTo(building: GenerationRow): Promise<void> {
    const switched = await this.db.transaction().execute(async (tx) => {
      await this.lock(tx);
      const [current] = await this.rows(tx, ['building']);
      if (current?.generation !== building.generation) return undefined; // another instance did it
      const now = new Date();
      const retired = await projectionsView(tx as Transaction<unknown>)
        .updateTable('projection_generations')
        .set({ status: 'retired', retired_at: now })
        .where('projection', '=', this.name)
        .where('status', '=', 'active')
        .returning('generation')
        .executeTakeFirst();
      return projectionsView(tx as Transaction<unknown>)
        .updateTable('projection_generations')
        .set({ status: 'active', activated_at: now })
        .where('projection', '=', this.name)
        .where('generation', '=', building.generation)
        .returningAll()
        .executeTakeFirstOrThrow()
        .then((row) => ({ row, retired: retired?.generation }));
    });
    if (!switched) return;
    this.activeRow = switched.row;
    this.gauges?.generation.set({ projection: this.name }, switched.row.generation);
    this.log.info(
      {
        projection: this.name,
        generation: switched.row.generation,
        retired: switched.retired,
        built: this.progress.get(building.generation),
      },
      'read model switched to the rebuilt generation',
    );
  }

  /** Drop what is no longer needed: retired generations beyond `keepRetired`, abandoned ones. */
  private async dropOld(rows: readonly GenerationRow[]): Promise<void> {
    const graceMs = this.options.dropGraceMs ?? 30_000;
    const keep = this.options.keepRetired ?? 1;
    const retired = rows.filter((r) => r.status === 'retired').sort((a, b) => b.generation - a.generation);
    const candidates = [...retired.slice(keep), ...rows.filter((r) => r.status === 'abandoned')];
    for (const row of candidates) {
      if (!row.retired_at || Date.now() - row.retired_at.getTime() < graceMs) continue;
      const dropped = await this.db.transaction().execute(async (tx) => {
        const claimed = await projectionsView(tx as Transaction<unknown>)
          .updateTable('projection_generations')
          .set({ status: 'dropped', dropped_at: new Date() })
          .where('projection', '=', this.name)
          .where('generation', '=', row.generation)
          .where('status', '=', row.status)
          .returning('generation')
          .executeTakeFirst();
        if (claimed) await sql`DROP SCHEMA IF EXISTS ${sql.id(row.schema_name)} CASCADE`.execute(tx);
        return claimed !== undefined;
      });
      if (!dropped) continue;
      // What only that generation's consumer group used: its inbox rows and committed offsets.
      await forgetConsumer(this.db, row.group_id);
      await (await this.connectedAdmin()).deleteGroups([row.group_id]).catch((error: unknown) => {
        this.log.warn(
          { group: row.group_id, err: error },
          'could not delete the consumer group of a dropped generation',
        );
      });
      this.log.info(
        { projection: this.name, generation: row.generation, schema: row.schema_name },
        'generation dropped',
      );
    }
  }

  private consumerFor(row: GenerationRow): MessageConsumer<DB> {
    const o = this.options;
    return new MessageConsumer<DB>({
      kafka: o.kafka,
      groupId: row.group_id,
      topics: this.topics,
      db: o.db,
      codec: o.codec,
      handlers: serialised(o.spec.handlers(row.schema_name), row.schema_name),
      fromBeginning: true,
      batchSize: o.batchSize ?? 500,
      ...(o.upcasters ? { upcasters: o.upcasters } : {}),
      ...(o.partitionsConsumedConcurrently
        ? { partitionsConsumedConcurrently: o.partitionsConsumedConcurrently }
        : {}),
      ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
      ...(o.metrics ? { metrics: o.metrics } : {}),
      logger: this.log,
    });
  }

  private async createGeneration(tx: Transaction<DB>, status: 'active' | 'building'): Promise<GenerationRow> {
    const { max } = await projectionsView(tx as Transaction<unknown>)
      .selectFrom('projection_generations')
      .select((eb) => eb.fn.max<number | null>('generation').as('max'))
      .where('projection', '=', this.name)
      .executeTakeFirstOrThrow();
    const generation = (max ?? 0) + 1;
    const schema = `${this.name}_g${String(generation)}`;
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(tx); // left by a failed create
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(tx);
    await this.options.spec.createTables(tx, schema);
    return projectionsView(tx as Transaction<unknown>)
      .insertInto('projection_generations')
      .values({
        projection: this.name,
        generation,
        schema_name: schema,
        group_id: `${this.options.prefix ?? ''}${this.name}.g${String(generation)}`,
        status,
        activated_at: status === 'active' ? new Date() : null,
        retired_at: null,
        dropped_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  private rows(db: Kysely<DB> | Transaction<DB>, statuses: GenerationStatus[]): Promise<GenerationRow[]> {
    return projectionsView(db as Kysely<unknown>)
      .selectFrom('projection_generations')
      .selectAll()
      .where('projection', '=', this.name)
      .where('status', 'in', statuses)
      .orderBy('generation')
      .execute();
  }

  /** Serialises generation changes of this read model across instances, for the transaction. */
  private async lock(tx: Transaction<DB>): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`projections:${this.name}`}))`.execute(tx);
  }

  private async measure(row: GenerationRow): Promise<RebuildProgress> {
    const { committed, bounds } = await this.offsets(row.group_id);
    return this.meterOf(row.generation).sample(positionOf(committed, bounds));
  }

  /** What a consumer group has committed, and the topics' log bounds to measure it against. */
  private async offsets(groupId: string): Promise<{ committed: PartitionOffsets; bounds: LogBounds }> {
    const admin = await this.connectedAdmin();
    const [committed, bounds] = await Promise.all([
      committedOffsets(admin, groupId, this.topics),
      logBounds(admin, this.topics),
    ]);
    return { committed, bounds };
  }

  private meterOf(generation: number): ProgressMeter {
    let meter = this.meters.get(generation);
    if (!meter) {
      meter = new ProgressMeter();
      this.meters.set(generation, meter);
    }
    return meter;
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.options.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => {
        this.admin = undefined;
      });
    }
    return this.admin;
  }
}

/**
 * The handlers, each transaction first taking a lock of the generation: partitions are consumed
 * concurrently, and a read model's rows are shared across them (an order's row is written from
 * three topics, a minute's counters by every order in it), so batches that lock them in different
 * orders would deadlock. Decoding and fetching still overlap; the writes take turns. Handlers that
 * shared a `handleBatch` still share one (the runtime batches them together).
 */
function serialised<DB>(handlers: readonly Handler<DB, never>[], schema: string): Handler<DB, never>[] {
  const lock = (tx: Transaction<DB>) =>
    sql`SELECT pg_advisory_xact_lock(hashtext(${`projection-writes:${schema}`}))`.execute(tx);
  const batches = new Map<unknown, Handler<DB, never>['handleBatch']>();
  return handlers.map((h) => {
    const batch = h.handleBatch?.bind(h);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- its identity is the key; never called
    const shared: unknown = h.handleBatch;
    let handleBatch = batches.get(shared);
    if (batch && !handleBatch) {
      handleBatch = async (events, tx) => {
        await lock(tx);
        await batch(events, tx);
      };
      batches.set(shared, handleBatch);
    }
    return {
      ...h,
      handle: async (event, tx) => {
        await lock(tx);
        await h.handle(event, tx);
      },
      ...(handleBatch ? { handleBatch } : {}),
    };
  });
}

function info(row: GenerationRow): GenerationInfo {
  return {
    generation: row.generation,
    schema: row.schema_name,
    groupId: row.group_id,
    status: row.status,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
  };
}

function projectionGauges(registry: Registry) {
  const gauge = (name: string, help: string): Gauge<'projection'> =>
    (registry.getSingleMetric(name) as Gauge<'projection'> | undefined) ??
    new Gauge({ name, help, labelNames: ['projection'], registers: [registry] });
  return {
    generation: gauge('projection_active_generation', 'Generation of the read model that serves queries'),
    lag: gauge(
      'projection_rebuild_lag_messages',
      'Messages the generation being built has still to read (0 when none is)',
    ),
    rate: gauge('projection_rebuild_messages_per_second', 'Read rate of the generation being built'),
  };
}
