import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  type ApiKeySummary,
  type CreateApiKey,
  type CreateStaffAccount,
  type CreatedApiKey,
  type LoginRequest,
  STAFF_PASSWORD_MAX_LENGTH,
  STAFF_PASSWORD_MIN_LENGTH,
  STAFF_ROLES,
  type StaffAccount,
  type StaffRole,
  type StaffSession,
  type StaffUser,
  type UpdateStaffAccount,
} from '@chat/contracts';

// Requests are validated by these classes and the OpenAPI document is drawn from them; each
// implements its contract type, so the compiler keeps both in step with the wire.

const EMAIL_MAX_LENGTH = 254;

export class LoginRequestDto implements LoginRequest {
  @ApiProperty({ example: 'admin@example.com' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(EMAIL_MAX_LENGTH)
  email: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(STAFF_PASSWORD_MAX_LENGTH)
  password: string;
}

export class StaffUserDto implements StaffUser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'agent@example.com' }) email: string;
  @ApiProperty({ enum: STAFF_ROLES }) role: StaffRole;
}

export class StaffSessionDto implements StaffSession {
  @ApiProperty({ type: StaffUserDto }) user: StaffUserDto;
}

export class StaffAccountDto extends StaffUserDto implements StaffAccount {
  @ApiProperty() disabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class CreateStaffAccountDto implements CreateStaffAccount {
  @ApiProperty({ example: 'agent@example.com' })
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email: string;

  @ApiProperty({
    format: 'password',
    minLength: STAFF_PASSWORD_MIN_LENGTH,
    description:
      'Not a common password (zxcvbn score 3 of 4 at least), and not containing the email or its name part.',
  })
  @IsString()
  @MinLength(STAFF_PASSWORD_MIN_LENGTH)
  @MaxLength(STAFF_PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class UpdateStaffAccountDto implements UpdateStaffAccount {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({
    description: 'A disabled account cannot sign in; its sessions end at once.',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class IdParamsDto {
  @IsUUID()
  id: string;
}

export class CreateApiKeyDto implements CreateApiKey {
  @ApiProperty({ example: 'CRM sync' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['leads:read'] })
  @ArrayNotEmpty()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes: ApiKeyScope[];
}

export class ApiKeySummaryDto implements ApiKeySummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CRM sync' }) name: string;
  @ApiProperty({ example: 'csk_Xb3kQ9' }) prefix: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes: ApiKeyScope[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_used_at: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revoked_at: string | null;
}

export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CRM sync' }) name: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes: ApiKeyScope[];
  @ApiProperty({ description: 'The key: shown this once, never again.', example: 'csk_Xb3kQ9…' })
  key: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}
