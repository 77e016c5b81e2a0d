import { Client } from 'pg';
import { tenantPolicyExpression } from '@fpms/database/rls';
import { createScratchDatabase, ScratchDatabase } from '@fpms/harness';
import { isTenantScoped, rlsCatalogProblems } from './rls-catalog-check';

/**
 * The RLS catalog check must catch the policies that look like protection but are not.
 * A scratch database with one deliberately broken table per mistake, next to tables built
 * the way our migrations build them.
 */
describe('RLS catalog check', () => {
  let scratch: ScratchDatabase;
  let client: Client;
  const scoped = tenantPolicyExpression({ accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  const tenantTable = (name: string) => `create table ${name} (id uuid primary key, account_id uuid not null, workspace_id uuid)`;
  const protect = (name: string) => `alter table ${name} enable row level security; alter table ${name} force row level security`;

  beforeAll(async () => {
    scratch = await createScratchDatabase('rlscheck');
    client = new Client({ host: scratch.host, port: scratch.port, user: scratch.user, password: scratch.password, database: scratch.name });
    await client.connect();
    const ddl = [
      // As enableTenantRls builds them.
      tenantTable('good'),
      protect('good'),
      `create policy tenant_isolation on good using ${scoped} with check ${scoped}`,
      tenantTable('good_readable'),
      protect('good_readable'),
      `create policy tenant_isolation on good_readable using ${scoped} with check ${scoped}`,
      `create policy also_readable on good_readable for select using (id = nullif(current_setting('app.user_id', true), '')::uuid)`,
      // The mistakes.
      tenantTable('open_using'),
      protect('open_using'),
      `create policy tenant_isolation on open_using using (true) with check ${scoped}`,
      tenantTable('open_or_true'),
      protect('open_or_true'),
      `create policy tenant_isolation on open_or_true using (${scoped} or true) with check ${scoped}`,
      tenantTable('select_only'),
      protect('select_only'),
      `create policy tenant_read on select_only for select using ${scoped}`,
      tenantTable('no_check'),
      protect('no_check'),
      `create policy tenant_isolation on no_check using ${scoped}`,
      tenantTable('open_check'),
      protect('open_check'),
      `create policy tenant_isolation on open_check using ${scoped} with check (true)`,
      tenantTable('not_forced'),
      `alter table not_forced enable row level security`,
      `create policy tenant_isolation on not_forced using ${scoped} with check ${scoped}`,
      tenantTable('no_policy'),
      protect('no_policy'),
      tenantTable('unprotected'),
      // Not a tenant table: not checked.
      `create table plain (id uuid primary key)`,
    ];
    for (const statement of ddl) await client.query(statement);
  });

  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  it('tells tenant-scoped expressions from ones that let everything through', () => {
    expect(isTenantScoped(scoped)).toBe(true);
    expect(isTenantScoped('true')).toBe(false);
    expect(isTenantScoped(`(${scoped} OR true)`)).toBe(false);
    expect(isTenantScoped('(account_id IS NOT NULL)')).toBe(false);
  });

  it('flags each broken table for what is wrong with it, and nothing about the good ones', async () => {
    const { tables, problems } = await rlsCatalogProblems(client);
    expect(tables).not.toContain('plain');
    const byTable = (t: string) => problems.filter((p) => p.table === t).map((p) => p.problem);
    expect(byTable('good')).toEqual([]);
    expect(byTable('good_readable')).toEqual([]);
    expect(byTable('open_using')).toEqual([expect.stringMatching(/^policy tenant_isolation: USING is not tenant-scoped/)]);
    expect(byTable('open_or_true')).toEqual([expect.stringMatching(/^policy tenant_isolation: USING is not tenant-scoped/)]);
    expect(byTable('select_only')).toEqual(['no policy for INSERT, UPDATE, DELETE (writes are expected)']);
    expect(byTable('no_check')).toEqual(['policy tenant_isolation (ALL): no WITH CHECK']);
    expect(byTable('open_check')).toEqual([expect.stringMatching(/^policy tenant_isolation: WITH CHECK is not tenant-scoped/)]);
    expect(byTable('not_forced')).toEqual(['row-level security is not forced']);
    expect(byTable('no_policy')).toEqual(['no policy']);
    expect(byTable('unprotected')).toEqual(['row-level security is not enabled', 'row-level security is not forced', 'no policy']);
  });

  it('accepts a SELECT-only table that is declared read-only', async () => {
    const { problems } = await rlsCatalogProblems(client, { readOnlyTables: ['select_only'] });
    expect(problems.filter((p) => p.table === 'select_only')).toEqual([]);
  });
});
