import './workspace-paths';
import { stopProcess } from '@chat/test-support';

export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__WEB_E2E_PROCESSES__ ?? []).map((child) => stopProcess(child)));
  globalThis.__WEB_E2E_SCRATCH__?.removeAll();
}
