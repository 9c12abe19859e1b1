import { Module } from '@nestjs/common';
import { InMemorySessionStore } from './in-memory-session.store';
import { SessionStore } from './session-store';

@Module({
  providers: [{ provide: SessionStore, useClass: InMemorySessionStore }],
  exports: [SessionStore],
})
export class SessionsModule {}
