/**
 * The API's stack without its product features: what `@Sse()`, Nest and the SDK cost by
 * themselves, for the team to set targets against. Run it as the API under test:
 *   npm run bench -- --api-main tools/bench/src/stack-floor.ts   (or `--compare` it with the API)
 * It is the built app (`dist/apps/api`, so build first: `npx nx run api:build`), its modules
 * unchanged — routing, the `@Sse()` route with its frame-writing interceptor, sessions,
 * generations, the resume buffer, the SDK through the app's `fetch` — except that lead
 * extraction answers at once without a model call and the rate-limit guard lets every request
 * through, and with none of `setupApp`'s global parts: no access log, helmet, CORS or
 * validation pipe (Express's default JSON body parser reads the body).
 */
import type { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import path from 'node:path';

const built = path.resolve('dist/apps/api/apps/api/src');
// The built app, loaded at run time: the bench measures what ships, not a second compilation.
const load = <T>(file: string): T => require(path.join(built, file)) as T;
const { AppModule } = load<{ AppModule: Type }>('app/app.module.js');
const { LeadExtractor } = load<{ LeadExtractor: Type }>('lead-extraction/lead-extractor.js');
const { ClientRateLimitGuard } = load<{ ClientRateLimitGuard: Type }>(
  'common/client-rate-limit.guard.js',
);
const { API_PREFIX } = load<{ API_PREFIX: string }>('app/setup-app.js');

async function start(): Promise<void> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(LeadExtractor)
    .useValue({
      extract: (_profile: unknown, _conversation: unknown, current: unknown) =>
        Promise.resolve(current),
    })
    .overrideGuard(ClientRateLimitGuard)
    .useValue({ canActivate: () => true })
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.setGlobalPrefix(API_PREFIX);
  app.useWebSocketAdapter(new WsAdapter(app));
  // Where to listen, as the app reads it (`PORT`, `HOST`).
  const { port, host } = app.get(ConfigService).getOrThrow<{ port: number; host: string }>('app');
  await app.listen(port, host);
}

start().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
