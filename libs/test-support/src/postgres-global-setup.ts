import { probeTestPostgres } from './lib/test-postgres';

/** Jest `globalSetup` of the suites that run on PostgreSQL too: see `probeTestPostgres`. */
export default probeTestPostgres;
