import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Req,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { KnowledgeSearchReply, KnowledgeSourceSummary } from '@chat/contracts';
import { Access } from '../access/access.decorator';
import { AssistantIdParamsDto } from '../assistants/dto/assistant.dto';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { principalOf } from '../common/principal';
import {
  KnowledgePageRequestDto,
  KnowledgeSearchReplyDto,
  KnowledgeSearchRequestDto,
  KnowledgeSourceDto,
  KnowledgeSourceParamsDto,
} from './dto/knowledge.dto';
import { KnowledgeSources, type UploadedKnowledgeFile } from './knowledge-sources';
import { UploadLimitInterceptor } from './upload-limit.interceptor';

const NOT_FOUND = { type: ApiErrorDto, description: '`not_found`: no such assistant or source' };

/** Staff manage an assistant's knowledge (PROTOCOL.md, Knowledge): admins change it, agents read it. */
@ApiTags('knowledge')
@Access({ staff: 'admin' })
@Controller('admin/assistants/:id/knowledge')
export class KnowledgeController {
  constructor(private readonly sources: KnowledgeSources) {}

  @Post()
  @UseInterceptors(UploadLimitInterceptor, FileInterceptor('file'))
  @ApiOperation({
    summary:
      'Add a file (Markdown, plain text, HTML or PDF, judged by its content), or a web page by URL, to process',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary', description: 'multipart: the file' },
        url: { type: 'string', description: 'JSON: a web page, fetched by the server' },
      },
    },
  })
  @ApiCreatedResponse({ type: KnowledgeSourceDto, description: '`processing` until its job ends' })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: '`invalid_request`: no file, an unsupported file, or past the limits',
  })
  @ApiPayloadTooLargeResponse({ type: ApiErrorDto, description: '`payload_too_large`' })
  @ApiNotFoundResponse(NOT_FOUND)
  upload(
    @Param() { id }: AssistantIdParamsDto,
    @UploadedFile() file: UploadedKnowledgeFile | undefined,
    @Body() { url }: KnowledgePageRequestDto,
    @Req() request: Request,
  ): Promise<KnowledgeSourceSummary> {
    if (file && url === undefined) return this.sources.upload(id, file, actorOf(request));
    if (!file && url !== undefined) return this.sources.addPage(id, url, actorOf(request));
    throw new ApiError(
      'invalid_request',
      'Send one file in the multipart field `file`, or JSON `{"url": "…"}`.',
    );
  }

  @Post(':sourceId/refresh')
  @HttpCode(204)
  @ApiOperation({ summary: 'Fetch a web page source again (its passages stay until replaced)' })
  @ApiNoContentResponse({ description: 'processing again' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: '`invalid_request`: a file source' })
  @ApiNotFoundResponse(NOT_FOUND)
  refresh(@Param() { id, sourceId }: KnowledgeSourceParamsDto): Promise<void> {
    return this.sources.refresh(id, sourceId);
  }

  @Get()
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: "The assistant's sources, newest first, with their status" })
  @ApiOkResponse({ type: KnowledgeSourceDto, isArray: true })
  @ApiNotFoundResponse(NOT_FOUND)
  list(@Param() { id }: AssistantIdParamsDto): Promise<KnowledgeSourceSummary[]> {
    return this.sources.list(id);
  }

  @Post('search')
  @HttpCode(200)
  @Access({ staff: 'agent' })
  @ApiOperation({
    summary: 'Try a question: the passages a turn would give the model, with scores',
  })
  @ApiOkResponse({ type: KnowledgeSearchReplyDto })
  search(
    @Param() { id }: AssistantIdParamsDto,
    @Body() { query }: KnowledgeSearchRequestDto,
  ): Promise<KnowledgeSearchReply> {
    return this.sources.search(id, query);
  }

  @Delete(':sourceId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a source and its passages' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@Param() { id, sourceId }: KnowledgeSourceParamsDto): Promise<void> {
    return this.sources.remove(id, sourceId);
  }
}

function actorOf(request: Request): string {
  const principal = principalOf(request);
  if (principal?.kind !== 'staff') throw new ApiError('unauthorized', 'Sign in first.');
  return principal.email;
}
