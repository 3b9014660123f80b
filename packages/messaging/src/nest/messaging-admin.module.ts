import {
  Module,
  type CanActivate,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DeadLetterAdmin, type MessagingAdminOptions } from './dead-letter-admin.js';
import { allowEveryone, DeadLetterAdminGuard } from './dead-letter-admin.guard.js';
import { DeadLetterController } from './dead-letter.controller.js';
import { DLQ_ADMIN_AUTHORIZATION, DLQ_ADMIN_OPTIONS } from './messaging.tokens.js';

interface Authorization {
  /**
   * Who may use the endpoints: a guard class (instantiated in this module, so its dependencies
   * must be global or exported to it) or a guard instance. Default: everyone.
   */
  guard?: Type<CanActivate> | CanActivate;
}

export type MessagingAdminModuleOptions<DB = unknown> = MessagingAdminOptions<DB> & Authorization;

export interface MessagingAdminModuleAsyncOptions<DB = unknown> extends Authorization {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => MessagingAdminOptions<DB> | Promise<MessagingAdminOptions<DB>>;
}

/**
 * The dead-letter admin endpoints (`GET /admin/dlq`, `POST /admin/dlq/replay`) for the consumer
 * groups of this service. `DeadLetterAdmin` is exported for other entry points (a CLI command, a
 * scheduled report).
 *
 * @example
 *   MessagingAdminModule.forRoot({ db, kafka, groups: ['inventory'], guard: AdminRoleGuard })
 */
@Module({})
export class MessagingAdminModule {
  static forRoot<DB>({ guard, ...options }: MessagingAdminModuleOptions<DB>): DynamicModule {
    return MessagingAdminModule.build({ provide: DLQ_ADMIN_OPTIONS, useValue: erased(options) }, guard, []);
  }

  static forRootAsync<DB>({
    guard,
    imports,
    inject,
    useFactory,
  }: MessagingAdminModuleAsyncOptions<DB>): DynamicModule {
    return MessagingAdminModule.build(
      {
        provide: DLQ_ADMIN_OPTIONS,
        useFactory: async (...args: never[]) => erased(await useFactory(...args)),
        inject: inject ?? [],
      },
      guard,
      imports ?? [],
    );
  }

  private static build(
    options: Provider,
    guard: Authorization['guard'],
    imports: NonNullable<ModuleMetadata['imports']>,
  ): DynamicModule {
    const authorization: Provider =
      typeof guard === 'function'
        ? { provide: DLQ_ADMIN_AUTHORIZATION, useClass: guard }
        : { provide: DLQ_ADMIN_AUTHORIZATION, useValue: guard ?? allowEveryone };
    return {
      module: MessagingAdminModule,
      imports,
      controllers: [DeadLetterController],
      providers: [options, authorization, DeadLetterAdminGuard, DeadLetterAdmin],
      exports: [DeadLetterAdmin],
    };
  }
}

/**
 * The options as the DI token holds them, whatever the app's database type: the admin only touches
 * the messaging tables (a `Kysely<Database>` is not assignable to `Kysely<unknown>`).
 */
function erased<DB>(options: MessagingAdminOptions<DB>): MessagingAdminOptions {
  return { ...options, db: options.db as unknown as Kysely<unknown> };
}
