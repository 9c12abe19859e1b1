import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { ServeStaticModule } from '@nestjs/serve-static';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { ChatModule } from '../chat/chat.module';
import { appConfig } from '../config/app.config';
import { chatConfig } from '../config/chat.config';
import { HealthModule } from '../health/health.module';
import { ProfileModule } from '../profile/profile.module';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, chatConfig] }),
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => ({
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: app.logLevel,
          // A caller's request id is kept (when it looks like one) so logs can be joined across services.
          genReqId: (req: IncomingMessage) => {
            const given = req.headers['x-request-id'];
            return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
          },
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
          autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/api/health') ?? false },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [chatConfig.KEY],
      useFactory: (chat: ConfigType<typeof chatConfig>) => [
        // Named `default` so that the headers are the standard `Retry-After` and `X-RateLimit-*`.
        { name: 'default', ttl: chat.rateLimitWindowMs, limit: chat.rateLimitMessages },
      ],
    }),
    ServeStaticModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) =>
        app.webRoot ? [{ rootPath: app.webRoot, exclude: ['/api/{*path}'] }] : [],
    }),
    ProfileModule,
    ChatModule,
    HealthModule,
  ],
})
export class AppModule {}
