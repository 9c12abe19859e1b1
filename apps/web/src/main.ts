import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';

// Starting Angular in its own task rather than in the one that evaluated the bundle keeps the
// page responsive while it loads: two shorter tasks instead of one long one.
setTimeout(() => bootstrapApplication(App, appConfig).catch((error) => console.error(error)));
