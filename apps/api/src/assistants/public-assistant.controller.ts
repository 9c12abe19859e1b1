import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ConfigType } from '@nestjs/config';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { AssistantProfile, PublicAssistant } from '@chat/contracts';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { ClientRateLimitGuard, MESSAGES_BUDGET } from '../common/client-rate-limit.guard';
import { modelConfig } from '../config/model.config';
import { AssistantProfileDto } from '../chat/dto/chat-responses.dto';
import { toClientProfile } from '../profile/client-profile';
import { AssistantOrigins } from './assistant-origins';
import { AssistantStore } from './assistant-store';
import { AssistantIdParamsDto, PublicAssistantDto } from './dto/assistant.dto';
import { toPublicAssistant } from './public-assistant';

/**
 * What any client draws before the first message (public): an assistant's live version, and the
 * default assistant's as `GET /chat/profile` has always answered it. Each is read when asked
 * (one query), so a publish shows at once on every instance.
 */
@Controller()
@UseGuards(ClientRateLimitGuard)
@SkipThrottle({ [MESSAGES_BUDGET]: true })
export class PublicAssistantController {
  constructor(
    private readonly store: AssistantStore,
    private readonly origins: AssistantOrigins,
    @Inject(modelConfig.KEY) private readonly model: ConfigType<typeof modelConfig>,
  ) {}

  @Get('assistants/:id')
  @ApiTags('assistants')
  @ApiOperation({ summary: "An assistant's live version, as a client shows it" })
  @ApiOkResponse({ type: PublicAssistantDto })
  @ApiNotFoundResponse({
    type: ApiErrorDto,
    description: '`not_found`: unknown, archived or never published',
  })
  @ApiForbiddenResponse({
    type: ApiErrorDto,
    description: "`forbidden`: the calling page's origin is not among the assistant's allowed origins",
  })
  async get(
    @Param() { id }: AssistantIdParamsDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublicAssistant> {
    const origin = request.get('origin');
    if (origin !== undefined) {
      // Public, and read by the widget on any site: the refusal too, so that it can say so.
      response.setHeader('Access-Control-Allow-Origin', '*');
      if (!(await this.origins.allows({ origin, host: request.get('host') }, id))) {
        throw new ApiError('forbidden', 'This chat is not available on this site.');
      }
    }
    const published = await this.store.published(id);
    if (!published) throw new ApiError('not_found', 'No such assistant.');
    return toPublicAssistant(published, this.modelInfo());
  }

  @Get('chat/profile')
  @ApiTags('chat')
  @ApiOperation({
    summary:
      "The default assistant's live version: its name, model (`demo` offline) and the fields it collects",
  })
  @ApiOkResponse({ type: AssistantProfileDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`: no default is published' })
  async profile(): Promise<AssistantProfile> {
    const published = await this.store.published();
    if (!published) throw new ApiError('not_found', 'No default assistant is published.');
    return toClientProfile(published.definition, this.modelInfo());
  }

  private modelInfo(): { model: string; demo: boolean } {
    return { model: this.model.model, demo: this.model.demo };
  }
}
