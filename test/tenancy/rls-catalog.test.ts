import { Client } from 'pg';
import { serviceDatabaseName, SERVICE_NAMES } from '@fpms/database';
import { adminPgConfig, testDbPrefix } from '@fpms/harness';
import { rlsCatalogProblems } from './rls-catalog-check';

/** Tables that are tenants themselves: their primary key is the tenant id. */
const TENANT_ROOT_TABLES: Record<string, string[]> = { workspace: ['accounts'] };

/**
 * Reads the live catalog of every service database after all migrations ran: any table
 * with a tenant column must have RLS enabled AND forced, tenant-scoped policies (never
 * `USING (true)`) with an explicit WITH CHECK wherever rows can be written, and policies
 * for reads and every kind of write. A new migration that gets any of it wrong fails here
 * (rls-catalog-check.test.ts shows each mistake being caught).
 */
describe('row-level security catalog', () => {
  for (const service of SERVICE_NAMES) {
    it(`every tenant table of the ${service} database has ENABLE + FORCE RLS and tenant-scoped policies for reads and writes`, async () => {
      const client = new Client({ ...adminPgConfig(), database: serviceDatabaseName(service, testDbPrefix()) });
      await client.connect();
      try {
        const { tables, problems } = await rlsCatalogProblems(client, { rootTables: TENANT_ROOT_TABLES[service] ?? [] });
        expect(problems).toEqual([]);
        if (service === 'workspace') expect(tables).toEqual(expect.arrayContaining(['accounts', 'workspaces']));
        if (service === 'gateway') expect(tables).toEqual(expect.arrayContaining(['account_memberships']));
        if (service === 'billing') expect(tables).toEqual(expect.arrayContaining(['connect_accounts']));
      } finally {
        await client.end();
      }
    });
  }

  it('the runtime roles cannot bypass RLS and the system roles can', async () => {
    const client = new Client({ ...adminPgConfig(), database: 'postgres' });
    await client.connect();
    try {
      const { rows } = await client.query<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>(
        `select rolname, rolbypassrls, rolsuper from pg_roles where rolname like 'fpms\\_%' order by 1`,
      );
      for (const service of SERVICE_NAMES) {
        expect(rows.find((r) => r.rolname === `fpms_${service}_app`)).toMatchObject({ rolbypassrls: false, rolsuper: false });
        expect(rows.find((r) => r.rolname === `fpms_${service}_owner`)).toMatchObject({ rolbypassrls: false, rolsuper: false });
        expect(rows.find((r) => r.rolname === `fpms_${service}_system`)).toMatchObject({ rolbypassrls: true, rolsuper: false });
      }
    } finally {
      await client.end();
    }
  });
});
