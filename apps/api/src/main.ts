import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createApp } from './app/create-app';
import type { AppConfig } from './config/app.config';
import type { ModelConfig } from './config/model.config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(ConfigService);
  const { port, host, webRoot } = config.getOrThrow<AppConfig>('app');
  const { model, demo } = config.getOrThrow<ModelConfig>('model');
  await app.listen(port, host);
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  new Logger('Bootstrap').log(
    `Listening on ${url} — API ${url}/api, docs ${url}/api/docs, portal ${webRoot ? url : 'not built (nx build web)'}; ` +
      `model: ${demo ? 'OFFLINE DEMO MODEL (set OPENAI_API_KEY or OPENAI_BASE_URL for a real one)' : model}`,
  );
}

bootstrap().catch((error: unknown) => {
  // Configuration errors name the bad setting; print them plainly and stop.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
