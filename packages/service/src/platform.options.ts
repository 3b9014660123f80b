import type { MigrationSet } from '@acme/postgres';
import type { ProjectionSpec } from '@acme/projections';
import type { PlatformConfig } from './config.js';

export interface ConsumerOptions {
  /** Topics the service reacts to. */
  topics: readonly string[];
  /** Consumer group (default: the service name). */
  groupId?: string;
  /** Messages of one partition handled in one transaction (default 1; CONSUMER_BATCH_SIZE overrides). */
  batchSize?: number;
  /** Attempts before a message goes to the dead-letter topic (default: the runtime's). */
  maxAttempts?: number;
}

export interface PlatformOptions {
  /** `order`, `inventory`, …: logs, metrics, CloudEvents source `/acme/<service>`, relay name, group. */
  service: string;
  /** The validated configuration (`loadConfig`). */
  config: PlatformConfig;
  /** The app's own migrations; the event store, outbox, inbox and deadline tables come with the platform. */
  migrations?: readonly MigrationSet[];
  /** Contract types the service publishes: their schemas are registered at start-up. */
  publishes: readonly string[];
  /** Set when the service reacts to events (its `@ConsumeEvent` handlers). */
  consumes?: ConsumerOptions;
  /**
   * Set when the service keeps a read model: its generations are consumed, switched and rebuilt
   * blue/green by a `ProjectionHost` (token `PROJECTIONS`).
   */
  projection?: ProjectionOptions;
}

export interface ProjectionOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Database type
  spec: ProjectionSpec<any>;
  /** Messages of one partition per transaction (default 500; CONSUMER_BATCH_SIZE overrides). */
  batchSize?: number;
}
