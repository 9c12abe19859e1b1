import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class AppEnv {
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  /** Comma-separated origins allowed by CORS; `*` allows any. */
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @IsInt() @Min(1024) @Max(10_485_760) BODY_LIMIT_BYTES?: number;
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  /** `json` (one object a line, for log collectors) or `pretty` (for a person at a terminal). */
  @IsOptional() @IsIn(['json', 'pretty']) LOG_FORMAT?: 'json' | 'pretty';
  @IsOptional() @IsString() NODE_ENV?: string;
  /** Folder of the built portal; served at `/` when it exists. */
  @IsOptional() @IsString() WEB_ROOT?: string;
  /** Folder of the built website widget (`widget.js`, `widget/`); served when it exists. */
  @IsOptional() @IsString() WIDGET_ROOT?: string;
  /**
   * The proxies in front of the API: a hop count (`1`) or a comma-separated list of addresses and
   * networks (`10.0.0.0/8,127.0.0.1`). Never "everything": `true` would let a client pick its
   * address (and so its rate-limit budget) with `X-Forwarded-For`.
   */
  @IsOptional()
  @Matches(/^(?:\d{1,2}|[0-9a-fA-F.:/]+(?:\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be a hop count or a comma-separated list of addresses or networks, never true',
  })
  TRUST_PROXY?: string;
}

export interface AppConfig {
  port: number;
  host: string;
  corsOrigins: string[] | '*';
  bodyLimitBytes: number;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  webRoot: string | undefined;
  widgetRoot: string | undefined;
  /** Express's `trust proxy`: off, a hop count, or the addresses and networks trusted. */
  trustProxy: false | number | string[];
}

/** The built portal beside the built API (`dist/apps/api/main.js` → `dist/apps/web/browser`), or from the workspace root. */
function defaultWebRoot(): string | undefined {
  const besideApi = require.main
    ? join(dirname(require.main.filename), '../web/browser')
    : undefined;
  return [besideApi, resolve('dist/apps/web/browser')].find(
    (dir): dir is string => dir !== undefined && existsSync(join(dir, 'index.html')),
  );
}

/** The built widget beside the built API (`dist/apps/api/main.js` → `dist/apps/widget`), or from the workspace root. */
function defaultWidgetRoot(): string | undefined {
  const besideApi = require.main ? join(dirname(require.main.filename), '../widget') : undefined;
  return [besideApi, resolve('dist/apps/widget')].find(
    (dir): dir is string => dir !== undefined && existsSync(join(dir, 'widget.js')),
  );
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateEnv(AppEnv);
  const origins = env.CORS_ORIGINS ?? 'http://localhost:4200,http://localhost:8000';
  return {
    port: env.PORT ?? 8000,
    host: env.HOST ?? '0.0.0.0',
    corsOrigins:
      origins.trim() === '*'
        ? '*'
        : origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    bodyLimitBytes: env.BODY_LIMIT_BYTES ?? 64 * 1024,
    logLevel: env.LOG_LEVEL ?? 'info',
    // Readable in development, at a terminal; JSON in production and wherever output is collected.
    logFormat:
      env.LOG_FORMAT ?? (env.NODE_ENV !== 'production' && process.stdout.isTTY ? 'pretty' : 'json'),
    webRoot: env.WEB_ROOT ? resolve(env.WEB_ROOT) : defaultWebRoot(),
    widgetRoot: env.WIDGET_ROOT ? resolve(env.WIDGET_ROOT) : defaultWidgetRoot(),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
  };
});

function trustProxyOf(value: string | undefined): AppConfig['trustProxy'] {
  if (!value || value === '0') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
