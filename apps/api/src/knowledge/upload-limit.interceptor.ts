import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { catchError, type Observable, throwError } from 'rxjs';
import { knowledgeConfig } from '../config/knowledge.config';
import { ApiError } from '../common/api-error';

/**
 * Multer stops reading an upload at the file limit and Nest answers "File too large": this
 * names the limit instead, so staff know what fits. Placed before the file interceptor.
 */
@Injectable()
export class UploadLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
  ) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof PayloadTooLargeException
              ? new ApiError(
                  'payload_too_large',
                  `The file is larger than ${this.config.maxFileBytes} bytes.`,
                  { cause: error },
                )
              : error,
          ),
        ),
      );
  }
}
