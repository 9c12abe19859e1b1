import {
  booleanAttribute,
  ChangeDetectionStrategy,
  Component,
  input,
  ViewEncapsulation,
} from '@angular/core';
import { ChatStore, SessionIdStore } from '@chat/chat-client';
import type { AssistantAppearance } from '@chat/contracts';
import { WidgetPanel } from './widget-panel/widget-panel';

/**
 * `<chat-widget assistant="…" [inline]>`: the custom element. Its open shadow root keeps the host
 * page's CSS out and its own in. It has no styles itself (a ShadowDom component's own styles are
 * written as `<style>` elements, which a strict CSP blocks): the panel inside carries them, as
 * adopted stylesheets (adopted-styles.ts). Each element has its own conversation (store).
 */
@Component({
  selector: 'chat-widget',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.ShadowDom,
  imports: [WidgetPanel],
  providers: [ChatStore, SessionIdStore],
  template: `<chat-widget-panel
    [assistant]="assistant() || null"
    [inline]="inline()"
    [appearanceOverride]="appearance()"
  />`,
})
export class ChatWidget {
  /** The assistant's id; none: the deployment's default assistant. */
  readonly assistant = input<string | null>(null);
  /** Drawn in place, open, without a launcher. */
  readonly inline = input(false, { transform: booleanAttribute });
  /**
   * Draws the widget in this appearance rather than the published one (a property, not an
   * attribute): the staff's Install panel sets it to the editor's form as it stands. Replies
   * still come from the published version.
   */
  readonly appearance = input<AssistantAppearance | null>(null);
}
