import { probeTestPostgres } from './lib/test-postgres';
import { probeTestRedis } from './lib/test-redis';

/** Jest `globalSetup` of the API's suites: finds the test PostgreSQL and Redis servers (see the probes). */
export default async function probeTestServers(): Promise<void> {
  await probeTestPostgres();
  await probeTestRedis();
}
