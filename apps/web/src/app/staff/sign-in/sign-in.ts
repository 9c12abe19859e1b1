import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { StaffAuth } from '../data/staff-auth';
import { staffErrorMessage } from '../data/staff-error';

/** The staff sign-in form: email and password; a wrong one, or a slowed-down or locked email, says so. */
@Component({
  selector: 'chat-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sign-in.html',
  styleUrl: './sign-in.css',
})
export class SignIn {
  protected readonly auth = inject(StaffAuth);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly password = viewChild.required<ElementRef<HTMLInputElement>>('password');

  protected async submit(event: Event, email: string, password: string): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.signIn({ email: email.trim(), password });
    } catch (error) {
      this.error.set(
        staffErrorMessage(error, { unauthorized: 'Wrong email or password. Check both and try again.' }),
      );
      const field = this.password().nativeElement;
      field.value = '';
      field.focus();
    } finally {
      this.busy.set(false);
    }
  }
}
