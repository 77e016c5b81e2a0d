import { ServiceName } from './service-names';

/**
 * Three roles per service (DESIGN §2): `owner` runs migrations and owns the tables;
 * `app` carries all request traffic and is subject to RLS (NOBYPASSRLS); `system`
 * bypasses RLS and is used only by code that is cross-tenant by nature.
 */
export interface ServiceRoles {
  owner: string;
  app: string;
  system: string;
}

export function serviceRoles(service: ServiceName, rolePrefix = process.env.FPMS_ROLE_PREFIX ?? 'fpms'): ServiceRoles {
  return {
    owner: `${rolePrefix}_${service}_owner`,
    app: `${rolePrefix}_${service}_app`,
    system: `${rolePrefix}_${service}_system`,
  };
}

export function serviceDatabaseName(service: ServiceName, dbPrefix = process.env.FPMS_DB_PREFIX ?? 'fpms'): string {
  return `${dbPrefix}_${service}`;
}
