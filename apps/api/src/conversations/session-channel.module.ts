import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { chatConfig } from '../config/chat.config';
import { SessionChannel } from './session-channel';

/** Each session's live channel, for the conversations module and the chat's WebSocket. */
@Module({
  imports: [ConfigModule.forFeature(chatConfig)],
  providers: [SessionChannel],
  exports: [SessionChannel],
})
export class SessionChannelModule {}
