import type { ProjectionHost } from '@acme/projections';
import { DATABASE, PROJECTIONS } from '@acme/service';
import { Global, Module } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { READ_MODEL, type ReadModel } from './analytics.tokens.js';
import type { AnalyticsDatabase } from './read-model/tables.js';

/** `READ_MODEL` for every module of the app (the query API, the dashboard): the serving generation. */
@Global()
@Module({
  providers: [
    {
      provide: READ_MODEL,
      inject: [DATABASE, PROJECTIONS],
      useFactory: (db: Kysely<AnalyticsDatabase>, host: ProjectionHost<AnalyticsDatabase>): ReadModel => ({
        db,
        schema: () => host.schema(),
      }),
    },
  ],
  exports: [READ_MODEL],
})
export class ReadModelModule {}
