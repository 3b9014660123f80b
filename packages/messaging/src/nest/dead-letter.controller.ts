import {
  adminRole,
  badRequest,
  queryValidation,
  RequireRole,
  validation,
  type AuthenticatedRequest,
} from '@acme/http';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { InvalidSelectionError, type DeadLetterSummary, type ReplayResult } from '../replay.js';
import { DeadLetterAdmin } from './dead-letter-admin.js';
import { DeadLetterAdminGuard } from './dead-letter-admin.guard.js';
import {
  listQuerySchema,
  replayBodySchema,
  toSelection,
  type ListQuery,
  type ReplayBody,
} from './dead-letter.schemas.js';

export interface DeadLetterList {
  group: string;
  deadLetters: DeadLetterSummary[];
}

/**
 * Dead-letter admin over HTTP: list what a consumer group parked, replay a selection of it.
 *
 *   GET  /admin/dlq?group=inventory&errorClass=PermanentError&from=2026-11-23T00:00:00Z&limit=50
 *   POST /admin/dlq/replay  { "group": "inventory", "selection": { "eventIds": ["..."] }, "dryRun": true }
 *
 * On the platform (@acme/service) every request needs a bearer token with the admin role
 * (`@RequireRole`, enforced by the platform's global guard before anything else runs); it also
 * passes `DeadLetterAdminGuard` (an extra, pluggable check). Invalid input is a 400 with the
 * invalid fields and writes nothing; a group this service does not administer is a 404.
 */
@Controller('admin/dlq')
@RequireRole(adminRole)
@UseGuards(DeadLetterAdminGuard)
export class DeadLetterController {
  constructor(@Inject(DeadLetterAdmin) private readonly admin: DeadLetterAdmin) {}

  @Get()
  async list(
    @Query({ schema: listQuerySchema, pipes: [queryValidation] }) query: ListQuery,
  ): Promise<DeadLetterList> {
    this.knownGroup(query.group);
    const selection = toSelection({
      eventIds: query.eventId,
      errorClass: query.errorClass,
      from: query.from,
      to: query.to,
    });
    const criteria = Object.keys(selection).length > 0 ? selection : { all: true };
    const deadLetters = await selectionErrorsAsBadRequest(() =>
      this.admin.list(query.group, criteria, query.limit),
    );
    return { group: query.group, deadLetters };
  }

  /** Replays (or, with `dryRun`, only lists and audits) the selected parked messages of a group. */
  @Post('replay')
  @HttpCode(200)
  async replay(
    @Body({ schema: replayBodySchema, pipes: [validation] }) body: ReplayBody,
    @Headers('x-requested-by') requestedByHeader: string | undefined,
    @Req() request: AuthenticatedRequest,
  ): Promise<ReplayResult> {
    this.knownGroup(body.group);
    // The audit names the authenticated operator; only without the platform's guard (a bare app)
    // is it what the caller says.
    const requestedBy =
      request.principal?.subject ??
      [body.requestedBy, requestedByHeader?.trim()].find((who) => who !== undefined && who !== '') ??
      'http';
    return selectionErrorsAsBadRequest(() =>
      this.admin.replay({
        group: body.group,
        selection: toSelection(body.selection),
        requestedBy,
        ...(body.dryRun === undefined ? {} : { dryRun: body.dryRun }),
      }),
    );
  }

  private knownGroup(group: string): void {
    if (!this.admin.knows(group))
      throw new NotFoundException(
        `consumer group ${JSON.stringify(group)} is not administered here (known: ${this.admin.groups.join(', ')})`,
      );
  }
}

async function selectionErrorsAsBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidSelectionError)
      throw badRequest(error.message, [{ field: 'selection', message: error.message }]);
    throw error;
  }
}
