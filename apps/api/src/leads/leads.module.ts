import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { LeadEvents } from './lead-events';
import { LeadStore } from './lead-store';
import { LeadsController } from './leads.controller';

/** Stored leads for the staff and integrations (PROTOCOL.md, Leads): the API, the export, the live feed. */
@Module({
  imports: [AccessModule],
  controllers: [LeadsController],
  providers: [LeadStore, LeadEvents],
  exports: [LeadStore, LeadEvents],
})
export class LeadsModule {}
