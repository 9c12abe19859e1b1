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

  protected readonly required = computed(() => this.fields().filter((f) => f.required));
  protected readonly collectedRequired = computed(
    () => this.required().filter((f) => Boolean(this.collected()[f.name])).length,
  );
  protected readonly percent = computed(() => {
    const total = this.required().length;
    return total === 0 ? 100 : Math.round((this.collectedRequired() / total) * 100);
  });
}
