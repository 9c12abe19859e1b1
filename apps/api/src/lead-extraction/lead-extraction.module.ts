import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import OpenAI from 'openai';
import { modelConfig } from '../config/model.config';
import { LeadExtractor } from './lead-extractor';
import { ModelLeadExtractor } from './model-lead-extractor';
import { RuleLeadExtractor } from './rule-lead-extractor';

/**
 * Provides the `LeadExtractor`: the phrase rules when the offline demo model answers (it speaks
 * prose only, no JSON mode), a structured-output call to the extraction model otherwise. The
 * model's client comes from the global `ModelModule`.
 */
@Module({
  imports: [ConfigModule.forFeature(modelConfig)],
  providers: [
    {
      provide: LeadExtractor,
      inject: [modelConfig.KEY, OpenAI],
      useFactory: (config: ConfigType<typeof modelConfig>, openai: OpenAI): LeadExtractor =>
        config.demo ? new RuleLeadExtractor() : new ModelLeadExtractor(openai, config),
    },
  ],
  exports: [LeadExtractor],
})
export class LeadExtractionModule {}
