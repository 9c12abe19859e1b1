import { type DynamicModule, Logger, Module, type Type } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import OpenAI from 'openai';
import { modelConfig } from '../config/model.config';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { DemoLeadReader } from './demo/demo-lead-reader';
import { createDemoModelFetch, DEMO_MODEL_BASE_URL } from './demo/demo-model.fetch';
import { ModelClient } from './model-client';
import { createNodeHttpFetch } from './node-http-fetch';

export interface ModelModuleOptions {
  /**
   * How the offline demo model reads a visitor's details. The lead domain sits above this layer
   * and provides it, so the model layer imports nothing of it.
   */
  demoLeadReader: Type<DemoLeadReader>;
}

/**
 * The model layer: the official `openai` SDK client for any OpenAI-compatible endpoint and the
 * {@link ModelClient} that streams replies through it. With no key and no base URL configured,
 * the offline demo model answers through the SDK's `fetch` option, so the SDK's streaming code
 * path is the one that runs either way. Registered once, by the application, and global: the
 * chat and the lead extractors both call the model.
 */
@Module({})
export class ModelModule {
  static forRoot(options: ModelModuleOptions): DynamicModule {
    return {
      module: ModelModule,
      global: true,
      imports: [ConfigModule.forFeature(modelConfig)],
      providers: [
        { provide: DemoLeadReader, useClass: options.demoLeadReader },
        {
          provide: OpenAI,
          inject: [modelConfig.KEY, ASSISTANT_PROFILE, DemoLeadReader],
          useFactory: (
            config: ConfigType<typeof modelConfig>,
            profile: AssistantProfileDefinition,
            leadReader: DemoLeadReader,
          ) =>
            createOpenAiClient(config, profile, leadReader, (other) => new options.demoLeadReader(other)),
        },
        ModelClient,
      ],
      exports: [OpenAI, ModelClient, ConfigModule],
    };
  }
}

function createOpenAiClient(
  config: ConfigType<typeof modelConfig>,
  profile: AssistantProfileDefinition,
  leadReader: DemoLeadReader,
  leadReaderFor: (profile: AssistantProfileDefinition) => DemoLeadReader,
): OpenAI {
  const logger = new Logger(ModelModule.name);
  if (config.demo) {
    logger.warn('No OPENAI_API_KEY or OPENAI_BASE_URL set: answering with the built-in OFFLINE DEMO MODEL');
    return new OpenAI({
      apiKey: 'demo',
      baseURL: DEMO_MODEL_BASE_URL,
      maxRetries: 0,
      fetch: createDemoModelFetch({
        profile,
        leadReader,
        leadReaderFor,
        wordDelayMs: config.demoWordDelayMs,
      }),
    });
  }
  // The host only: a base URL may carry credentials or a tenant's path.
  logger.log(`Model provider: ${config.baseURL ? new URL(config.baseURL).host : 'OpenAI'} (model ${config.model})`);
  return new OpenAI({
    // Local servers (Ollama, vLLM, LM Studio) accept any key.
    apiKey: config.apiKey ?? 'not-needed',
    baseURL: config.baseURL,
    // ModelClient retries itself, and only before the first token.
    maxRetries: 0,
    timeout: config.firstTokenTimeoutMs,
    // One keep-alive connection pool for the replies and the lead extraction calls.
    fetch: createNodeHttpFetch(),
  });
}
