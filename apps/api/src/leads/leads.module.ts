import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from '../access/access.module';
import { AssistantsModule } from '../assistants/assistants.module';
import { leadsConfig } from '../config/leads.config';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { LeadEvents } from './lead-events';
import { LeadStore } from './lead-store';
import { LeadWorkflow } from './lead-workflow';
import { LeadsController } from './leads.controller';
import { TurnLeadChanges } from './turn-lead-changes';

/** Stored leads for the staff and integrations (PROTOCOL.md, Leads): the API, the export, the live feed (which hears of the chat turns' leads from their events). */
@Module({
  imports: [ConfigModule.forFeature(leadsConfig), AccessModule, AssistantsModule, TurnEventsModule],
  controllers: [LeadsController],
  providers: [LeadStore, LeadWorkflow, LeadEvents, TurnLeadChanges],
  exports: [LeadStore, LeadEvents],
})
export class LeadsModule {}
