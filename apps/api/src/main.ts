import { ConfigService } from '@nestjs/config';
import { createApp } from './app/create-app';
import type { AppConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host } = app.get(ConfigService).getOrThrow<AppConfig>('app');
  await app.listen(port, host);
}

bootstrap().catch((error: unknown) => {
  // Configuration errors name the bad setting; print them plainly and stop.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
