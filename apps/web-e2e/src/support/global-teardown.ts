import { stopProcess } from './processes';

export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__WEB_E2E_PROCESSES__ ?? []).map((child) => stopProcess(child)));
}
