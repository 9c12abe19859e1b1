import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { knowledgeConfig } from '../config/knowledge.config';
import { KnowledgeProcessing } from './knowledge-processing';
import { KnowledgeStore } from './knowledge-store';
import { KnowledgeWorker } from './knowledge-worker';

/**
 * Knowledge (PROTOCOL.md, Knowledge): the sources staff give an assistant, processed by a
 * durable job into passages that turns search.
 */
@Module({
  imports: [ConfigModule.forFeature(knowledgeConfig)],
  providers: [KnowledgeStore, KnowledgeProcessing, KnowledgeWorker],
  exports: [KnowledgeStore],
})
export class KnowledgeModule {}
