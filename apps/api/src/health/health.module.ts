import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HealthController } from './health.controller';

@Module({
  imports: [ChatModule, SessionsModule],
  controllers: [HealthController],
})
export class HealthModule {}
