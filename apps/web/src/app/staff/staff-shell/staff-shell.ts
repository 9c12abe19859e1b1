import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  inject,
  OnInit,
  untracked,
  viewChild,
  ViewEncapsulation,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter } from 'rxjs';
import { StaffAuth } from '../data/staff-auth';
import { titleWithUnread, UnreadLeads } from '../data/unread-leads';
import { SignIn } from '../sign-in/sign-in';

/**
 * The staff area's frame: the sign-in form until someone is signed in, then the navigation
 * (admin pages for admins only), who is signed in, sign-out, and the page. Its stylesheet is the
 * staff pages' shared one (forms, tables that become cards on a phone, badges, dialogs), so it
 * is not encapsulated; every rule in it starts from this element. The number of unread leads
 * shows beside "Leads" and in front of the tab's title, kept current by the live feed.
 */
@Component({
  selector: 'chat-staff-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, SignIn],
  templateUrl: './staff-shell.html',
  styleUrls: ['./staff-shell.css', './staff-tables.css'],
})
export class StaffShell implements OnInit {
  protected readonly auth = inject(StaffAuth);
  private readonly router = inject(Router);
  protected readonly unread = inject(UnreadLeads);
  private readonly navigated = toSignal(
    this.router.events.pipe(filter((event) => event instanceof NavigationEnd)),
  );
  private readonly main = viewChild<ElementRef<HTMLElement>>('main');
  /** Whether the sign-in form was shown: signing in then moves the focus to the page it opened. */
  private signedInHere = false;

  constructor() {
    effect(() => {
      const signedIn = this.auth.state() === 'signed-in';
      untracked(() => (signedIn ? this.unread.start() : this.unread.stop()));
    });
    const title = inject(Title);
    effect(() => {
      this.navigated();
      title.setTitle(titleWithUnread(title.getTitle(), this.unread.count()));
    });
    effect(() => {
      if (this.auth.state() === 'signed-out') this.signedInHere = true;
      const main = this.main();
      if (main && this.signedInHere) {
        this.signedInHere = false;
        main.nativeElement.focus();
      }
    });
  }

  ngOnInit(): void {
    void this.auth.ready();
  }

  protected async signOut(): Promise<void> {
    await this.auth.signOut();
    await this.router.navigateByUrl('/admin');
  }
}
