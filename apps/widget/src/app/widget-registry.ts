import { Injectable, signal } from '@angular/core';
import type { VisitorIdentity } from '@chat/contracts';

/** What `window.ChatWidget.on` can listen to. */
export type WidgetEventName = 'open' | 'close' | 'message' | 'lead_completed';

export const WIDGET_EVENTS: readonly WidgetEventName[] = [
  'open',
  'close',
  'message',
  'lead_completed',
];

/** A widget on the page, as the global API drives it. */
export interface WidgetSurface {
  setOpen(open: boolean): void;
  isOpen(): boolean;
}

export type WidgetHandler = (detail: unknown) => void;

/**
 * The page's widgets and the host site's listeners: `window.ChatWidget` (chat-widget-global.ts)
 * calls in, the widgets report what happened.
 */
@Injectable({ providedIn: 'root' })
export class WidgetRegistry {
  private readonly surfaces = new Set<WidgetSurface>();
  private readonly handlers = new Map<WidgetEventName, Set<WidgetHandler>>();
  private readonly _identity = signal<VisitorIdentity | null>(null);

  /**
   * The visitor's details from `identify()`, kept in memory and sent with each turn: the API
   * takes them as collected only with a valid `user_hash`.
   */
  readonly identity = this._identity.asReadonly();

  register(surface: WidgetSurface): () => void {
    this.surfaces.add(surface);
    return () => this.surfaces.delete(surface);
  }

  setOpen(open: boolean | 'toggle'): void {
    for (const surface of this.surfaces)
      surface.setOpen(open === 'toggle' ? !surface.isOpen() : open);
  }

  on(event: WidgetEventName, handler: WidgetHandler): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  emit(event: WidgetEventName, detail?: unknown): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        handler(detail);
      } catch (error) {
        // The host site's handler failing is its own: the widget goes on.
        console.error('ChatWidget handler:', error);
      }
    }
  }

  identify(details: VisitorIdentity): void {
    const pick = (value: unknown) =>
      typeof value === 'string' && value.trim() ? value.trim() : undefined;
    this._identity.set({
      name: pick(details?.name),
      email: pick(details?.email),
      user_hash: pick(details?.user_hash),
    });
  }
}
