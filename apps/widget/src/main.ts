import { provideZonelessChangeDetection } from '@angular/core';
import { createCustomElement } from '@angular/elements';
import { createApplication } from '@angular/platform-browser';
import { API_BASE_URL } from '@chat/chat-client';
import { provideAdoptedStyles } from './app/adopted-styles';
import { ChatWidget } from './app/chat-widget';
import { installChatWidgetGlobal } from './app/chat-widget-global';
import { WidgetRegistry } from './app/widget-registry';

/**
 * The chat's JSON calls go over fetch (CHAT_REST's default), not HttpClient: a host page loads
 * less. This module is served by the chat API beside the loader, so its origin is the API's. */
const apiOrigin = new URL(import.meta.url).origin;

createApplication({
  providers: [
    provideZonelessChangeDetection(),
    { provide: API_BASE_URL, useValue: apiOrigin },
    provideAdoptedStyles(),
  ],
})
  .then((app) => {
    if (!customElements.get('chat-widget'))
      customElements.define(
        'chat-widget',
        createCustomElement(ChatWidget, { injector: app.injector }),
      );
    installChatWidgetGlobal(app.injector.get(WidgetRegistry));
  })
  .catch((error: unknown) => console.error('chat-widget:', error));
