import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TurnEvents } from '../turn-events/turn-events';
import { LeadEvents } from './lead-events';

/** Tells the staff's live feed of the leads a chat turn updated. */
@Injectable()
export class TurnLeadChanges implements OnModuleInit {
  constructor(
    private readonly events: TurnEvents,
    private readonly leadEvents: LeadEvents,
  ) {}

  onModuleInit(): void {
    this.events.on('lead_updated', ({ leadId }) => this.leadEvents.changed(leadId));
  }
}
