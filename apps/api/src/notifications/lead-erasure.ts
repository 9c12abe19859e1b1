import { Injectable } from '@nestjs/common';
import { LeadNotifier } from '../email/lead-notifier';
import { LeadEvents } from '../leads/lead-events';
import { SessionRetention } from '../sessions/session-retention';

/**
 * The notifications' part of an erasure beyond the database: the lead's message leaves this
 * instance's mail outbox folder. The `lead.erased` notice for the webhook needs nothing here:
 * the erasure's own statement writes it to `erasure_notices`, which the outbox worker delivers
 * (`ErasureNoticeDelivery`), across restarts.
 */
@Injectable()
export class LeadErasure {
  constructor(leadEvents: LeadEvents, notifier: LeadNotifier, retention: SessionRetention) {
    leadEvents.onErased(async (lead) => {
      await notifier.removeFromOutbox(lead.sessionId);
    });
    // A lead the retention sweep erases is erased like one a staff member erases: every copy goes.
    retention.onErased((lead) => leadEvents.erased(lead));
  }
}
