import {
  RebuildInProgressError,
  type GenerationInfo,
  type ProjectionHost,
  type ProjectionStatus,
} from '@acme/projections';
import { adminRole, PROJECTIONS, RequireRole } from '@acme/service';
import {
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Post,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

/**
 * Blue/green rebuild of the read model: a new generation is built from the beginning of the
 * topics under a new consumer group while the current one keeps serving, then switched to in one
 * transaction. Nothing but the new generation's own tables is written while it builds.
 */
@ApiTags('admin')
@RequireRole(adminRole)
@Controller('admin/rebuild')
export class RebuildController {
  constructor(@Inject(PROJECTIONS) private readonly projections: ProjectionHost<unknown>) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Start building a new generation of the read model (returns at once)' })
  @ApiAcceptedResponse({ description: 'The generation being built; follow it with GET /admin/rebuild' })
  @ApiConflictResponse({ description: 'A rebuild is running already (its generation is in the body)' })
  async start(): Promise<GenerationInfo> {
    try {
      return await this.projections.rebuild();
    } catch (error) {
      if (error instanceof RebuildInProgressError)
        throw new ConflictException({
          statusCode: HttpStatus.CONFLICT,
          error: 'Conflict',
          message: error.message,
          generation: error.generation,
        });
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The serving generation, the one being built with its progress, and the history' })
  @ApiOkResponse({ description: 'Progress: messages done/total, lag, messages per second, ETA in seconds' })
  status(): Promise<ProjectionStatus> {
    return this.projections.status();
  }

  @Delete()
  @ApiOperation({ summary: 'Abandon the rebuild in progress (the serving generation is untouched)' })
  @ApiOkResponse({ description: 'The abandoned generation' })
  @ApiNotFoundResponse({ description: 'No rebuild is running' })
  async abandon(): Promise<GenerationInfo> {
    const abandoned = await this.projections.abandon();
    if (!abandoned) throw new NotFoundException('no rebuild is running');
    return abandoned;
  }
}
