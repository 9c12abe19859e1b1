/**
 * widget.js: what a host page's `<script src=".../widget.js" data-assistant="…" async>` runs.
 * It only waits for the page to be idle (or for the visitor to call `ChatWidget.open()`), adds
 * `<chat-widget>` and loads the widget's module from the same origin as itself. The module's
 * name (content-hashed) is written in by tools/build/build-widget-loader.mjs.
 */
declare const WIDGET_ENTRY: string;

type QueuedCall = [string, ...unknown[]];

interface LoaderWindow extends Window {
  ChatWidget?: { q?: QueuedCall[] } & Record<string, unknown>;
}

(() => {
  const page = window as LoaderWindow;
  const script = (document.currentScript ??
    document.querySelector('script[src*="/widget.js"]')) as HTMLScriptElement | null;
  if (!script || page.ChatWidget) return;
  const assistant = script.dataset['assistant'];
  let loaded = false;

  const load = () => {
    if (loaded) return;
    loaded = true;
    // An inline `<chat-widget>` the page placed itself is the widget; else the launcher's.
    if (assistant && !document.querySelector('chat-widget')) {
      const element = document.createElement('chat-widget');
      element.setAttribute('assistant', assistant);
      document.body.append(element);
    }
    const module = document.createElement('script');
    module.type = 'module';
    module.src = new URL(WIDGET_ENTRY, script.src).href;
    document.head.append(module);
  };

  // Calls made before the widget arrived are queued for it (chat-widget-global.ts replays them);
  // opening is the visitor asking: the widget loads at once.
  const queue: QueuedCall[] = [];
  const stub: Record<string, unknown> = { q: queue };
  for (const method of ['open', 'close', 'toggle', 'on', 'identify']) {
    stub[method] = (...args: unknown[]) => {
      queue.push([method, ...args]);
      if (method === 'open' || method === 'toggle') load();
    };
  }
  page.ChatWidget = stub;

  const whenIdle = () =>
    'requestIdleCallback' in window
      ? requestIdleCallback(load, { timeout: 4000 })
      : setTimeout(load, 1500);
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
})();
