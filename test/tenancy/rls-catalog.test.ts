import { Client } from 'pg';
import { serviceDatabaseName, SERVICE_NAMES } from '@fpms/database';
import { adminPgConfig, testDbPrefix } from '@fpms/testing';

/** Tables that are tenants themselves: their primary key is the tenant id. */
const TENANT_ROOT_TABLES: Record<string, string[]> = { workspace: ['accounts'] };

/**
 * Reads the live catalog of every service database after all migrations ran: any table
 * with a tenant column must have RLS enabled AND forced, and a policy. A new migration
 * that forgets it fails here.
 */
describe('row-level security catalog', () => {
  for (const service of SERVICE_NAMES) {
    it(`every tenant table of the ${service} database has ENABLE + FORCE RLS and a policy`, async () => {
      const client = new Client({ ...adminPgConfig(), database: serviceDatabaseName(service, testDbPrefix()) });
      await client.connect();
      try {
        const { rows } = await client.query<{ table: string; rls: boolean; forced: boolean; policies: number }>(
          `select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                  (select count(*)::int from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies
             from pg_class c
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
              and (c.relname = any($1::text[])
                   or exists (select 1 from information_schema.columns col
                               where col.table_schema = n.nspname and col.table_name = c.relname
                                 and col.column_name in ('account_id', 'workspace_id')))
            order by 1`,
          [TENANT_ROOT_TABLES[service] ?? []],
        );
        const unprotected = rows.filter((r) => !r.rls || !r.forced || r.policies === 0);
        expect(unprotected).toEqual([]);
        if (service === 'workspace') expect(rows.map((r) => r.table)).toEqual(expect.arrayContaining(['accounts', 'workspaces']));
        if (service === 'gateway') expect(rows.map((r) => r.table)).toEqual(expect.arrayContaining(['account_memberships']));
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
