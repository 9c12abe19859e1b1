import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from '../access/access.module';
import { modelConfig } from '../config/model.config';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { AssistantOrigins } from './assistant-origins';
import { AssistantStore } from './assistant-store';
import { AssistantsController } from './assistants.controller';
import { PublicAssistantController } from './public-assistant.controller';
import { PublishedAssistants } from './published-assistants';
import { VisitorIdentities } from './visitor-identities';

/**
 * Assistants in the database (PROTOCOL.md, Assistants): the staff's API to edit and publish them,
 * the public description clients draw, and, on a first start, the profile file (`PROFILE_PATH`,
 * loaded by the profile module) imported as the default assistant's version 1.
 */
@Module({
  imports: [AccessModule, ConfigModule.forFeature(modelConfig)],
  controllers: [AssistantsController, PublicAssistantController],
  providers: [AssistantStore, PublishedAssistants, AssistantOrigins, VisitorIdentities],
  exports: [AssistantStore, PublishedAssistants, AssistantOrigins, VisitorIdentities],
})
export class AssistantsModule implements OnModuleInit {
  private readonly logger = new Logger(AssistantsModule.name);

  constructor(
    private readonly store: AssistantStore,
    @Inject(ASSISTANT_PROFILE) private readonly profile: AssistantProfileDefinition,
  ) {}

  async onModuleInit(): Promise<void> {
    if (await this.store.importDefault(this.profile))
      this.logger.log(
        `Imported the profile ${this.profile.id} as the default assistant, version 1`,
      );
  }
}
