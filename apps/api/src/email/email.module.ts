import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { mailConfig } from '../config/mail.config';
import { LeadNotifier } from './lead-notifier';

@Module({
  imports: [ConfigModule.forFeature(mailConfig)],
  providers: [LeadNotifier],
  exports: [LeadNotifier],
})
export class EmailModule {}
