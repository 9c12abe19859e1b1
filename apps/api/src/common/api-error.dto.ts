import { ApiProperty } from '@nestjs/swagger';
import { type ApiErrorBody, ERROR_CODES, type ErrorCode } from '@chat/contracts';

/** The contract's error body, for the OpenAPI document. */
export class ApiErrorDto implements ApiErrorBody {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ enum: ERROR_CODES, example: 'invalid_request' }) code: ErrorCode;
  @ApiProperty({ example: 'message must not be empty.' }) message: string;
}
