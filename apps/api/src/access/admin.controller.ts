import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { ApiKeySummary, CreatedApiKey, StaffAccount } from '@chat/contracts';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { Access } from './access.decorator';
import { AccessRevocations } from './access-revocations';
import { ApiKeys } from './api-keys';
import {
  ApiKeySummaryDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateStaffAccountDto,
  IdParamsDto,
  StaffAccountDto,
  UpdateStaffAccountDto,
} from './dto/access.dto';
import { StaffAccounts } from './staff-accounts';

@ApiTags('admin')
@Access({ staff: 'admin' })
@Controller('admin')
export class AdminController {
  constructor(
    private readonly accounts: StaffAccounts,
    private readonly apiKeys: ApiKeys,
    private readonly revocations: AccessRevocations,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'The staff accounts' })
  @ApiOkResponse({ type: StaffAccountDto, isArray: true })
  listUsers(): Promise<StaffAccount[]> {
    return this.accounts.list();
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a staff account' })
  @ApiCreatedResponse({ type: StaffAccountDto })
  createUser(@Body() { email, password, role }: CreateStaffAccountDto): Promise<StaffAccount> {
    return this.accounts.create(email, password, role);
  }

  @Patch('users/:id')
  @ApiOperation({ summary: "Change an account's role, or disable it (its sessions end at once)" })
  @ApiOkResponse({ type: StaffAccountDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async updateUser(
    @Param() { id }: IdParamsDto,
    @Body() change: UpdateStaffAccountDto,
  ): Promise<StaffAccount> {
    const account = await this.accounts.update(id, change);
    // Its sessions are gone: so go the feeds they opened, on every instance.
    this.revocations.revoke({ kind: 'staff-account', userId: id });
    return account;
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'The API keys, with their last use (never the keys themselves)' })
  @ApiOkResponse({ type: ApiKeySummaryDto, isArray: true })
  listApiKeys(): Promise<ApiKeySummary[]> {
    return this.apiKeys.list();
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Create an API key: the answer shows it once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  createApiKey(@Body() { name, scopes }: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.apiKeys.create(name, scopes);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Revoke an API key: every call with it is refused from now on, and the streams and sockets it opened end',
  })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async revokeApiKey(@Param() { id }: IdParamsDto): Promise<void> {
    if (!(await this.apiKeys.revoke(id))) throw new ApiError('not_found', 'No such API key.');
    this.revocations.revoke({ kind: 'api-key', keyId: id });
  }
}
