import type { Routes } from '@angular/router';
import { ChatPage } from './chat-page/chat-page';

/**
 * The chat at `/` (the default assistant) and at `/chat/:assistantId` (the page checks the id),
 * and the staff area under `/admin`, loaded only when asked for: a visitor's
 * browser never downloads any of it.
 */
export const APP_ROUTES: Routes = [
  { path: '', pathMatch: 'full', component: ChatPage, title: 'Chat' },
  // The page's title becomes the assistant's name once its description has loaded.
  { path: 'chat/:assistantId', component: ChatPage, title: 'Chat' },
  { path: 'admin', loadChildren: () => import('./staff/staff.routes').then((m) => m.STAFF_ROUTES) },
  { path: '**', redirectTo: '' },
];
