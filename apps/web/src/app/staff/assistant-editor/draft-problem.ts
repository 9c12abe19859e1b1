import {
  ChangeDetectionStrategy,
  Component,
  computed,
  Directive,
  inject,
  Injectable,
  input,
  signal,
} from '@angular/core';
import { controlId, type DraftProblems } from './draft-errors';

/** The server's problems with the draft last sent, which every control of the editor reads. */
@Injectable()
export class EditorProblems {
  private readonly _problems = signal<DraftProblems | null>(null);
  readonly problems = this._problems.asReadonly();

  set(problems: DraftProblems | null): void {
    this._problems.set(problems);
  }

  /** The reasons against `control`, as one sentence, or null. */
  of(control: string): string | null {
    const reasons = this._problems()?.byControl[control];
    return reasons?.length ? reasons.join('; ') : null;
  }
}

/**
 * A control of the editor: its id from its key, and when the server refused what it holds,
 * `aria-invalid` and the problem (`<chat-problem>`) in its description, beside any hint.
 */
@Directive({
  selector: '[chatControl]',
  host: {
    '[id]': 'id()',
    '[attr.aria-invalid]': 'problem() ? "true" : null',
    '[attr.aria-describedby]': 'describedBy()',
  },
})
export class DraftControl {
  readonly chatControl = input.required<string>();
  /** The id of a hint that describes the control too. */
  readonly hint = input<string>();
  private readonly problems = inject(EditorProblems);

  protected readonly id = computed(() => controlId(this.chatControl()));
  protected readonly problem = computed(() => this.problems.of(this.chatControl()));
  protected readonly describedBy = computed(() => {
    const ids = [this.hint(), this.problem() ? `${this.id()}-problem` : undefined].filter(Boolean);
    return ids.length ? ids.join(' ') : null;
  });
}

/** The server's reason against a control, shown beside it (and named by its `aria-describedby`). */
@Component({
  selector: 'chat-problem',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (problem(); as text) {
      <p class="field-problem" [id]="id()"><span aria-hidden="true">⚠ </span>{{ text }}</p>
    }
  `,
})
export class DraftProblem {
  readonly for = input.required<string>();
  private readonly problems = inject(EditorProblems);

  protected readonly id = computed(() => `${controlId(this.for())}-problem`);
  protected readonly problem = computed(() => this.problems.of(this.for()));
}
