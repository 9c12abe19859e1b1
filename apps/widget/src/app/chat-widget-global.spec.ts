import { TestBed } from '@angular/core/testing';
import { installChatWidgetGlobal } from './chat-widget-global';
import { WidgetRegistry } from './widget-registry';

describe('window.ChatWidget', () => {
  afterEach(() => delete window.ChatWidget);

  function widgetWith(registry: WidgetRegistry) {
    let open = false;
    registry.register({ setOpen: (value) => (open = value), isOpen: () => open });
    return { isOpen: () => open };
  }

  it('replays what the host page called before the widget arrived, in order', () => {
    const registry = TestBed.inject(WidgetRegistry);
    const widget = widgetWith(registry);
    const seen: unknown[] = [];
    window.ChatWidget = {
      q: [
        ['on', 'message', (detail: unknown) => seen.push(detail)],
        ['identify', { name: ' Ada ', email: 'ada@example.com', extra: 'ignored' }],
        ['open'],
      ],
    } as never;
    installChatWidgetGlobal(registry);
    expect(widget.isOpen()).toBe(true);
    expect(registry.identity()).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      user_hash: undefined,
    });
    registry.emit('message', { role: 'assistant' });
    expect(seen).toEqual([{ role: 'assistant' }]);
  });

  it('opens, closes and toggles the widgets, and unsubscribes a handler', () => {
    const registry = TestBed.inject(WidgetRegistry);
    const widget = widgetWith(registry);
    installChatWidgetGlobal(registry);
    const api = window.ChatWidget as NonNullable<typeof window.ChatWidget>;
    api.toggle();
    expect(widget.isOpen()).toBe(true);
    api.close();
    expect(widget.isOpen()).toBe(false);
    const opened: unknown[] = [];
    const off = api.on('open', (detail) => opened.push(detail ?? 'open'));
    registry.emit('open');
    off();
    registry.emit('open');
    expect(opened).toEqual(['open']);
    // An unknown event or a handler that is not a function is ignored.
    expect(() => api.on('nonsense' as never, (() => undefined) as never)()).not.toThrow();
  });

  it('keeps a failing host handler from stopping the others', () => {
    const registry = TestBed.inject(WidgetRegistry);
    const calls: string[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    registry.on('close', () => {
      throw new Error('host bug');
    });
    registry.on('close', () => calls.push('second'));
    registry.emit('close');
    expect(calls).toEqual(['second']);
    error.mockRestore();
  });
});
