import { Global, Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { profileConfig } from '../config/profile.config';
import { loadAssistantProfile } from './profile.loader';
import { ASSISTANT_PROFILE } from './profile.tokens';

/**
 * Loads the profile file (`PROFILE_PATH`) once at start and provides it as `ASSISTANT_PROFILE`:
 * what a first start imports as the default assistant. A bad file throws from the factory, so
 * the application does not start.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(profileConfig)],
  providers: [
    {
      provide: ASSISTANT_PROFILE,
      inject: [profileConfig.KEY],
      useFactory: (config: ConfigType<typeof profileConfig>) => loadAssistantProfile(config.path),
    },
  ],
  exports: [ASSISTANT_PROFILE],
})
export class ProfileModule {}
