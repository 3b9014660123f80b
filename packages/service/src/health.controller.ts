import { Public } from '@acme/http';
import { EventConsumerHost } from '@acme/messaging/nest';
import { Controller, Get, Inject, Optional, type OnModuleDestroy } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import type { Kafka, Admin } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { PlatformLifecycle } from './platform.lifecycle.js';
import { DATABASE, KAFKA } from './platform.tokens.js';

const probeTimeoutMs = 2_000;

/**
 * Liveness: the process answers. Readiness: Postgres answers a query, the Kafka cluster answers a
 * metadata request and, in a consuming service, the consumer has joined its group — a load
 * balancer sends traffic only to instances that can take it.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private admin: Promise<Admin> | undefined;

  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Database type
    @Inject(DATABASE) private readonly db: Kysely<any>,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PlatformLifecycle) private readonly platform: PlatformLifecycle,
    @Optional() @Inject(EventConsumerHost) private readonly consumer?: EventConsumerHost,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () =>
        this.indicators
          .check('postgres')
          .attempt(async () => {
            await sql`SELECT 1`.execute(this.db);
          })
          .withTimeout(probeTimeoutMs),
      () =>
        this.indicators
          .check('kafka')
          .attempt(async () => {
            const { brokers } = await (await this.connectedAdmin()).describeCluster();
            return { brokers: brokers.length, relay: this.platform.relayState ?? 'off' };
          })
          .withTimeout(probeTimeoutMs),
      ...(this.platform.readModel
        ? [
            () => {
              const session = this.indicators.check('readModel');
              const model = this.platform.readModel;
              return model?.schema && model.groups.length > 0
                ? session.up({ schema: model.schema, groups: model.groups })
                : session.down('not consuming');
            },
          ]
        : []),
      ...(this.consumer
        ? [
            () => {
              const session = this.indicators.check('consumer');
              const running = this.consumer?.consumer;
              return running ? session.up({ group: running.groupId }) : session.down('not running');
            },
          ]
        : []),
    ]);
  }

  async onModuleDestroy(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }
}
