import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { AssistantDetail, AssistantSummary, IdentitySecret } from '@chat/contracts';
import { Access } from '../access/access.decorator';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { principalOf } from '../common/principal';
import { validateAs } from '../common/validation';
import { AssistantStore } from './assistant-store';
import {
  AssistantDetailDto,
  AssistantIdParamsDto,
  AssistantSummaryDto,
  AssistantVersionParamsDto,
  CreateAssistantDto,
  CreateAssistantQueryDto,
  IdentitySecretDto,
} from './dto/assistant.dto';

/** The staff member making a change, as recorded with it (`updated_by`, `published_by`). */
function actorOf(request: Request): string {
  const principal = principalOf(request);
  if (principal?.kind !== 'staff') throw new ApiError('unauthorized', 'Sign in first.');
  return principal.email;
}

const INVALID = {
  type: ApiErrorDto,
  description:
    '`invalid_request`: names every wrong key of the draft by its path (`fields[2].kind: …`); nothing is saved',
};
const NOT_FOUND = { type: ApiErrorDto, description: '`not_found`: no such assistant' };

/** Staff edit assistants (PROTOCOL.md, Assistants): admins change them, agents read them. */
@ApiTags('assistants')
@ApiExtraModels(CreateAssistantDto)
@Access({ staff: 'admin' })
@Controller('admin/assistants')
export class AssistantsController {
  constructor(private readonly store: AssistantStore) {}

  @Get()
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: 'The assistants, the default first, archived ones included' })
  @ApiOkResponse({ type: AssistantSummaryDto, isArray: true })
  list(): Promise<AssistantSummary[]> {
    return this.store.list();
  }

  @Get(':id')
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: 'An assistant: its draft and its published versions' })
  @ApiOkResponse({ type: AssistantDetailDto })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@Param() { id }: AssistantIdParamsDto): Promise<AssistantDetail> {
    return this.store.get(id);
  }

  @Get(':id/export.yaml')
  @Access({ staff: 'agent' })
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOperation({
    summary: "The assistant's draft as a profile file, which `POST /admin/assistants` reads back",
  })
  @ApiProduces('application/yaml')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'The profile file (YAML)' })
  @ApiNotFoundResponse(NOT_FOUND)
  exportYaml(@Param() { id }: AssistantIdParamsDto): Promise<string> {
    return this.store.exportYaml(id);
  }

  @Post()
  @ApiOperation({
    summary: 'Create an assistant (a draft, not published yet)',
    description:
      "JSON `{id, draft}`, or a profile file with `Content-Type: application/yaml` whose id is `?id=` or else the file's `id`.",
  })
  @ApiConsumes('application/json', 'application/yaml')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CreateAssistantDto) },
        { type: 'string', description: 'A profile file (YAML)' },
      ],
    },
  })
  @ApiCreatedResponse({ type: AssistantDetailDto })
  @ApiBadRequestResponse({
    ...INVALID,
    description: `${INVALID.description}; also an id already taken`,
  })
  async create(
    @Body() body: unknown,
    @Query() { id }: CreateAssistantQueryDto,
    @Req() request: Request,
  ): Promise<AssistantDetail> {
    const actor = actorOf(request);
    if (typeof body === 'string') return this.store.createFromYaml(body, id, actor);
    if (id !== undefined)
      throw new ApiError('invalid_request', 'id: with a JSON body, the id is in the body.');
    const created = await validateAs(CreateAssistantDto, (body ?? {}) as object);
    return this.store.create(created.id, created.draft, actor);
  }

  @Put(':id/draft')
  @ApiOperation({ summary: 'Replace the draft (checked whole: a wrong one is refused, not kept)' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: AssistantDetailDto })
  @ApiBadRequestResponse({
    ...INVALID,
    description: `${INVALID.description}; also an archived assistant`,
  })
  @ApiNotFoundResponse(NOT_FOUND)
  saveDraft(
    @Param() { id }: AssistantIdParamsDto,
    @Body() draft: unknown,
    @Req() request: Request,
  ): Promise<AssistantDetail> {
    return this.store.saveDraft(id, draft, actorOf(request));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish the draft as the next version, which new sessions run' })
  @ApiOkResponse({ type: AssistantDetailDto })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse(NOT_FOUND)
  publish(
    @Param() { id }: AssistantIdParamsDto,
    @Req() request: Request,
  ): Promise<AssistantDetail> {
    return this.store.publish(id, actorOf(request));
  }

  @Post(':id/versions/:n/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a copy of version n as the next version (the draft is kept)' })
  @ApiOkResponse({ type: AssistantDetailDto })
  @ApiNotFoundResponse({
    type: ApiErrorDto,
    description: '`not_found`: no such assistant or version',
  })
  restore(
    @Param() { id, n }: AssistantVersionParamsDto,
    @Req() request: Request,
  ): Promise<AssistantDetail> {
    return this.store.restore(id, n, actorOf(request));
  }

  @Post(':id/identity-secret')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Make a new identity secret (the old one stops verifying): the key of the HMAC a host site sends with a signed-in visitor's email; shown this once",
  })
  @ApiCreatedResponse({ type: IdentitySecretDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async rotateIdentitySecret(
    @Param() { id }: AssistantIdParamsDto,
    @Req() request: Request,
  ): Promise<IdentitySecret> {
    return { identity_secret: await this.store.rotateIdentitySecret(id, actorOf(request)) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Archive the assistant: no new sessions, read only; its leads and conversations are kept',
  })
  @ApiNoContentResponse({ description: 'Archived (archiving again keeps the first time)' })
  @ApiBadRequestResponse({
    type: ApiErrorDto,
    description: '`invalid_request`: the default assistant',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  archive(@Param() { id }: AssistantIdParamsDto, @Req() request: Request): Promise<void> {
    return this.store.archive(id, actorOf(request));
  }
}
