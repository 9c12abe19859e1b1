import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { chatConfig } from '../config/chat.config';
import { SessionRepository } from './session-repository';
import { SessionRetention } from './session-retention';

/** Visitors' sessions: transcripts and leads, in the database, and their retention. */
@Module({
  imports: [ConfigModule.forFeature(chatConfig)],
  providers: [SessionRepository, SessionRetention],
  exports: [SessionRepository, SessionRetention],
})
export class SessionsModule {}
