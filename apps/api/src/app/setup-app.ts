import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { SESSION_TOKEN_HEADER, STAFF_SESSION_COOKIE } from '@chat/contracts';
import { API_KEY_PREFIX, ApiKeys } from '../access/api-keys';
import { API_KEY_SCHEME, STAFF_SESSION_SCHEME } from '../access/access.decorator';
import { ChatWsAdapter } from '../chat/chat-ws.adapter';
import { SESSION_TOKEN_SCHEME } from '../chat/session-token.openapi';
import { answerBodyParserErrors, ApiExceptionFilter } from '../common/api-exception.filter';
import { refuseDeeplyNestedBodies } from '../common/json-depth';
import { requestValidation } from '../common/validation';
import type { AppConfig } from '../config/app.config';
import { AppLogger } from '../logging/app-logger';
import { createPino, httpLogger } from '../logging/http-logger';
import { enterRequestContext } from '../logging/request-context';
import { portalFiles } from '../portal/portal-files';
import { AssistantOrigins } from '../assistants/assistant-origins';
import { widgetFiles } from '../portal/widget-files';

export const API_PREFIX = 'api';

/** The media types a YAML body may come as. */
const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/**
 * Applies everything global: logging, body limits, security headers, CORS, validation, the
 * error filter, the WebSocket adapter and the OpenAPI document. `main.ts` and the integration
 * tests both call it, so tests run the real app. The app must be created with `bodyParser: false`.
 */
export function setupApp(app: NestExpressApplication): INestApplication {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  const pino = createPino(config.logLevel, config.logFormat);
  app.useLogger(new AppLogger(pino));
  // Plain pino-http rather than nestjs-pino; service lines get the request's id from enterRequestContext below.
  app.use(httpLogger(pino));
  app.set('trust proxy', config.trustProxy);
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  // A profile file posted as such (`POST /admin/assistants`): its text, parsed by the assistant store.
  app.useBodyParser('text', { type: YAML_MEDIA_TYPES, limit: config.bodyLimitBytes });
  app.use(refuseDeeplyNestedBodies);
  // Body parser errors (bad JSON, too large, too deep) happen before Nest's router and its filters.
  app.use(answerBodyParserErrors);
  // The staff session and CSRF cookies (the access guard and csrf-csrf read `req.cookies`).
  app.use(cookieParser());
  // Service lines carry the request's id from here on (entered after the body is read: see there).
  app.use(enterRequestContext);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Angular and Swagger UI set inline styles; scripts stay same-origin only.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          // The portal is also served over plain HTTP on a developer's machine.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  const embedding = app.get(AssistantOrigins);
  app.enableCors({
    // The portal's origins, and the websites any assistant lists in `allowed_origins` (which
    // assistant a call is about is judged by the chat routes: PageOriginGuard).
    origin: (origin, answer) =>
      origin === undefined
        ? answer(null, true)
        : embedding.embeds(origin).then((allowed) => answer(null, allowed), answer),
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
  });
  // The website widget's loader and modules, loaded by other sites (before the portal's fallback).
  if (config.widgetRoot) app.use(widgetFiles(config.widgetRoot));
  // The built portal, under the security headers above and before the API's routes.
  if (config.webRoot) app.use(portalFiles(config.webRoot, `/${API_PREFIX}`));
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(requestValidation);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useWebSocketAdapter(
    new ChatWsAdapter(app, {
      maxPayload: config.bodyLimitBytes,
      embeds: (origin) => embedding.embeds(origin),
      verifyApiKey: (key) => app.get(ApiKeys).verify(key),
    }),
  );
  // Only the signals that ask a process to stop: Nest's default list also has SIGUSR2, the
  // signal of `--heapsnapshot-signal` and of file watchers, which would drain a live instance.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Chat streaming API')
      .setDescription(
        'Streams assistant replies as server-sent events (also over WebSocket at `/api/chat/ws`) and ' +
          'collects lead data. Errors before a stream starts are JSON `{statusCode, code, message}`; ' +
          'after it starts they are `error` events. See PROTOCOL.md.',
      )
      .setVersion('2')
      .addApiKey(
        {
          type: 'apiKey',
          in: 'header',
          name: SESSION_TOKEN_HEADER,
          description:
            'The `session_token` of the `start` event (or `POST /chat` reply) that created the session: ' +
            'required on every later call that names the session or one of its streams.',
        },
        SESSION_TOKEN_SCHEME,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description:
            `An integration's API key (\`${API_KEY_PREFIX}…\`), created by an admin and shown once. Scope \`chat\`: ` +
            'converse, owning the sessions the key creates (no session token needed); `leads:read`: read leads.',
        },
        API_KEY_SCHEME,
      )
      .addCookieAuth(
        STAFF_SESSION_COOKIE,
        {
          type: 'apiKey',
          in: 'cookie',
          description:
            "A staff session, from `POST /auth/login`. State-changing calls also send the `XSRF-TOKEN` cookie's value as `X-XSRF-TOKEN`.",
        },
        STAFF_SESSION_SCHEME,
      )
      .build(),
  );
  // The docs' "Authorize" takes an API key (or a session token) and "Try it out" sends it.
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, document, {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
  });
  return app;
}
