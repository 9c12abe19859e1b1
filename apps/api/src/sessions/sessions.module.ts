import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { chatConfig } from '../config/chat.config';
import { InMemorySessionStore } from './in-memory-session.store';
import { SessionStore } from './session-store';

@Module({
  imports: [ConfigModule.forFeature(chatConfig)],
  providers: [{ provide: SessionStore, useClass: InMemorySessionStore }],
  exports: [SessionStore],
})
export class SessionsModule {}
