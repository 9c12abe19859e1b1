import type { Routes } from '@angular/router';
import { ChatPage } from './chat-page/chat-page';

/**
 * The chat at `/`, and the staff area under `/admin`, loaded only when asked for: a visitor's
 * browser never downloads any of it.
 */
export const APP_ROUTES: Routes = [
  { path: '', pathMatch: 'full', component: ChatPage, title: 'Chat' },
  { path: 'admin', loadChildren: () => import('./staff/staff.routes').then((m) => m.STAFF_ROUTES) },
  { path: '**', redirectTo: '' },
];
