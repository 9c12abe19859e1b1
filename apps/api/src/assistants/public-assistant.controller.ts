import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PublicAssistant } from '@chat/contracts';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { modelConfig } from '../config/model.config';
import { AssistantStore } from './assistant-store';
import { AssistantIdParamsDto, PublicAssistantDto } from './dto/assistant.dto';
import { toPublicAssistant } from './public-assistant';

/** What any client draws before the first message (public, like `GET /chat/profile`). */
@ApiTags('assistants')
@Controller('assistants')
export class PublicAssistantController {
  constructor(
    private readonly store: AssistantStore,
    @Inject(modelConfig.KEY) private readonly model: ConfigType<typeof modelConfig>,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: "An assistant's live version, as a client shows it" })
  @ApiOkResponse({ type: PublicAssistantDto })
  @ApiNotFoundResponse({
    type: ApiErrorDto,
    description: '`not_found`: unknown, archived or never published',
  })
  async get(@Param() { id }: AssistantIdParamsDto): Promise<PublicAssistant> {
    const published = await this.store.published(id);
    if (!published) throw new ApiError('not_found', 'No such assistant.');
    return toPublicAssistant(published, { model: this.model.model, demo: this.model.demo });
  }
}
