import { Logger, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import OpenAI from 'openai';
import { modelConfig } from '../config/model.config';
import { createDemoModelFetch, DEMO_MODEL_BASE_URL } from '../demo-model/demo-model.fetch';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { createNodeHttpFetch } from './node-http-fetch';

/**
 * Provides the official `openai` SDK client for any OpenAI-compatible endpoint. With no key and no
 * base URL configured, the offline demo model answers through the SDK's `fetch` option, so the
 * SDK's streaming code path is the one that runs either way.
 */
@Module({
  imports: [ConfigModule.forFeature(modelConfig)],
  providers: [
    {
      provide: OpenAI,
      inject: [modelConfig.KEY, ASSISTANT_PROFILE],
      useFactory: (config: ConfigType<typeof modelConfig>, profile: AssistantProfileDefinition) => {
        const logger = new Logger('ModelModule');
        if (config.demo) {
          logger.warn(
            'No OPENAI_API_KEY or OPENAI_BASE_URL set: answering with the built-in OFFLINE DEMO MODEL',
          );
          return new OpenAI({
            apiKey: 'demo',
            baseURL: DEMO_MODEL_BASE_URL,
            maxRetries: 0,
            fetch: createDemoModelFetch({ profile, wordDelayMs: config.demoWordDelayMs }),
          });
        }
        logger.log(`Model provider: ${config.baseURL ?? 'OpenAI'} (model ${config.model})`);
        return new OpenAI({
          // Local servers (Ollama, vLLM, LM Studio) accept any key.
          apiKey: config.apiKey ?? 'not-needed',
          baseURL: config.baseURL,
          // ChatbotService retries itself, and only before the first token.
          maxRetries: 0,
          timeout: config.firstTokenTimeoutMs,
          // One keep-alive connection pool for the replies and the lead extraction calls.
          fetch: createNodeHttpFetch(),
        });
      },
    },
  ],
  exports: [OpenAI, ConfigModule],
})
export class ModelModule {}
