import { inject } from '@angular/core';
import { type CanActivateFn, type CanDeactivateFn, Router, type Routes } from '@angular/router';
import { AdminApi } from './data/admin-api';
import { AssistantFields } from './data/assistant-fields';
import { LeadFeed } from './data/lead-feed';
import { LeadsApi } from './data/leads-api';
import { StaffAuth } from './data/staff-auth';
import { provideStaffHttp } from './data/staff-http';
import { UnreadLeads } from './data/unread-leads';
import { LeadWorkflowOptions } from './data/lead-workflow-options';
import { ApiKeysPage } from './api-keys/api-keys';
import { AssistantEditorPage } from './assistant-editor/assistant-editor';
import { AssistantsPage } from './assistants/assistants';
import { AssistantsApi } from './data/assistants-api';
import { KnowledgeApi } from './data/knowledge-api';
import { LeadDetailPage } from './lead-detail/lead-detail';
import { LeadsInbox } from './leads-inbox/leads-inbox';
import { StaffAccountsPage } from './staff-accounts/staff-accounts';
import { StaffShell } from './staff-shell/staff-shell';

/**
 * Admin pages send an agent to the inbox. Someone not signed in passes: the shell shows the
 * sign-in form in the page's place, and the page itself says so if they sign in as an agent.
 */
export const adminOnly: CanActivateFn = async () => {
  const auth = inject(StaffAuth);
  const router = inject(Router);
  await auth.ready();
  return auth.user()?.role === 'agent' ? router.parseUrl('/admin') : true;
};

/** Leaving an assistant with unsaved changes asks first. */
export const savedOrConfirmed: CanDeactivateFn<AssistantEditorPage> = (editor) => editor.canLeave();

/** The staff area, under `/admin`: one lazily loaded chunk. */
export const STAFF_ROUTES: Routes = [
  {
    path: '',
    component: StaffShell,
    providers: [
      provideStaffHttp(),
      StaffAuth,
      LeadsApi,
      LeadFeed,
      UnreadLeads,
      LeadWorkflowOptions,
      AdminApi,
      AssistantFields,
      AssistantsApi,
      KnowledgeApi,
    ],
    children: [
      { path: '', pathMatch: 'full', component: LeadsInbox, title: 'Leads · Staff' },
      { path: 'leads/:id', component: LeadDetailPage, title: 'Lead · Staff' },
      {
        path: 'users',
        component: StaffAccountsPage,
        canActivate: [adminOnly],
        title: 'Staff accounts · Staff',
      },
      {
        path: 'api-keys',
        component: ApiKeysPage,
        canActivate: [adminOnly],
        title: 'API keys · Staff',
      },
      { path: 'assistants', component: AssistantsPage, title: 'Assistants · Staff' },
      {
        path: 'assistants/:id',
        component: AssistantEditorPage,
        canDeactivate: [savedOrConfirmed],
        title: 'Assistant · Staff',
      },
      { path: '**', redirectTo: '' },
    ],
  },
];
