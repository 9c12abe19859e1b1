import type { VisitorIdentity } from '@chat/contracts';
import {
  WIDGET_EVENTS,
  type WidgetEventName,
  type WidgetHandler,
  WidgetRegistry,
} from './widget-registry';

/** `window.ChatWidget` (PROTOCOL.md, "Website widget"). */
export interface ChatWidgetApi {
  open(): void;
  close(): void;
  toggle(): void;
  /** Listens to `open`, `close`, `message` and `lead_completed`; returns the unsubscribe. */
  on(event: WidgetEventName, handler: WidgetHandler): () => void;
  identify(details: VisitorIdentity): void;
}

/** The loader's stand-in: the calls a host site made before the widget arrived. */
interface QueuedCalls {
  q?: [string, ...unknown[]][];
}

declare global {
  interface Window {
    ChatWidget?: ChatWidgetApi & QueuedCalls;
  }
}

/** Replaces the loader's stand-in with the real API and replays the calls it queued. */
export function installChatWidgetGlobal(registry: WidgetRegistry): void {
  const queued = window.ChatWidget?.q ?? [];
  const api: ChatWidgetApi = {
    open: () => registry.setOpen(true),
    close: () => registry.setOpen(false),
    toggle: () => registry.setOpen('toggle'),
    on: (event, handler) => {
      if (!WIDGET_EVENTS.includes(event) || typeof handler !== 'function') return () => undefined;
      return registry.on(event, handler);
    },
    identify: (details) => registry.identify(details),
  };
  window.ChatWidget = api;
  for (const [method, ...args] of queued) {
    const call = api[method as keyof ChatWidgetApi] as ((...a: unknown[]) => unknown) | undefined;
    call?.(...args);
  }
}
