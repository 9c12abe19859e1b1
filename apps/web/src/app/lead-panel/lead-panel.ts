import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { LeadData, LeadFieldDescriptor } from '@chat/contracts';

/** What the assistant has collected so far, against the fields of its profile. */
@Component({
  selector: 'chat-lead-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './lead-panel.html',
  styleUrl: './lead-panel.css',
})
export class LeadPanel {
  readonly fields = input.required<readonly LeadFieldDescriptor[]>();
  readonly collected = input.required<LeadData>();
  readonly complete = input(false);
  readonly emailSent = input(false);
  /** What is collected and why, and the business's policy (from the assistant's profile). */
  readonly privacyNotice = input<string | undefined>(undefined);
  readonly privacyUrl = input<string | undefined>(undefined);

  /** Until the first detail, a list of "Missing" fields would only look like a form to fill. */
  protected readonly anyCollected = computed(() =>
    this.fields().some((f) => Boolean(this.collected()[f.name])),
  );

  protected readonly required = computed(() => this.fields().filter((f) => f.required));
  protected readonly collectedRequired = computed(
    () => this.required().filter((f) => Boolean(this.collected()[f.name])).length,
  );
  protected readonly percent = computed(() => {
    const total = this.required().length;
    return total === 0 ? 100 : Math.round((this.collectedRequired() / total) * 100);
  });
}
