import { Global, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import type { AssistantProfile } from '@chat/contracts';
import { modelConfig } from '../config/model.config';
import { profileConfig } from '../config/profile.config';
import type { AssistantProfileDefinition } from './assistant-profile';
import { toClientProfile } from './client-profile';
import { loadAssistantProfile } from './profile.loader';
import { ASSISTANT_PROFILE, CLIENT_PROFILE } from './profile.tokens';

/**
 * Loads the assistant profile once at start and provides it as `ASSISTANT_PROFILE` everywhere,
 * with what clients see of it (`CLIENT_PROFILE`: no instructions or rules, and which model
 * answers). A bad file throws from the factory, so the application does not start.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(profileConfig), ConfigModule.forFeature(modelConfig)],
  providers: [
    {
      provide: ASSISTANT_PROFILE,
      inject: [profileConfig.KEY],
      useFactory: (config: ConfigType<typeof profileConfig>) => loadAssistantProfile(config.path),
    },
    {
      provide: CLIENT_PROFILE,
      inject: [ASSISTANT_PROFILE, modelConfig.KEY],
      useFactory: (
        profile: AssistantProfileDefinition,
        model: ConfigType<typeof modelConfig>,
      ): AssistantProfile => toClientProfile(profile, { model: model.model, demo: model.demo }),
    },
  ],
  exports: [ASSISTANT_PROFILE, CLIENT_PROFILE],
})
export class ProfileModule {}
