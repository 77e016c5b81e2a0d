import { DataSource } from 'typeorm';
import { serviceDatabaseName, serviceRoles, ServiceName } from '@fpms/database';
import { adminPgConfig, testDbPrefix } from './env';

/**
 * A direct connection to one service's database of this test run, as one of its roles:
 * `system` to arrange or inspect state across tenants, `app` to prove what RLS allows.
 */
export function connectServiceDb(service: ServiceName, role: 'app' | 'system', dbPrefix = testDbPrefix()): Promise<DataSource> {
  const admin = adminPgConfig();
  return new DataSource({
    type: 'postgres',
    host: admin.host,
    port: admin.port,
    database: serviceDatabaseName(service, dbPrefix),
    username: serviceRoles(service)[role],
    password: process.env.FPMS_DB_PASSWORD ?? 'fpms-local-only',
    extra: { max: 2 },
  }).initialize();
}
