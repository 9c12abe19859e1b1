import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { MulterModule } from '@nestjs/platform-express';
import { AccessModule } from '../access/access.module';
import { knowledgeConfig } from '../config/knowledge.config';
import { modelConfig } from '../config/model.config';
import { outboundConfig } from '../config/outbound.config';
import { KnowledgeController } from './knowledge.controller';
import { KnowledgeEmbeddings } from './knowledge-embeddings';
import { KnowledgePages } from './knowledge-page';
import { KnowledgeProcessing } from './knowledge-processing';
import { KnowledgeSources } from './knowledge-sources';
import { KnowledgeStore } from './knowledge-store';
import { KnowledgeWorker } from './knowledge-worker';
import { PassageRetrieval } from './passage-retrieval';

/**
 * Knowledge (PROTOCOL.md, Knowledge): the sources staff give an assistant, processed by a
 * durable job into passages that turns search.
 */
@Module({
  imports: [
    AccessModule,
    ConfigModule.forFeature(knowledgeConfig),
    ConfigModule.forFeature(outboundConfig),
    ConfigModule.forFeature(modelConfig),
    // Uploads are read into memory (multer's default storage), up to the file limit: one file,
    // a few small fields. Past the limit multer stops reading and Nest answers 413.
    MulterModule.registerAsync({
      imports: [ConfigModule.forFeature(knowledgeConfig)],
      inject: [knowledgeConfig.KEY],
      useFactory: (config: ConfigType<typeof knowledgeConfig>) => ({
        limits: { fileSize: config.maxFileBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5 },
      }),
    }),
  ],
  controllers: [KnowledgeController],
  providers: [
    KnowledgeStore,
    KnowledgePages,
    KnowledgeProcessing,
    KnowledgeWorker,
    KnowledgeSources,
    KnowledgeEmbeddings,
    PassageRetrieval,
  ],
  exports: [KnowledgeStore, PassageRetrieval],
})
export class KnowledgeModule {}
