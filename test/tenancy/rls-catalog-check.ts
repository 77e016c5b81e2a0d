import { Client } from 'pg';

export interface RlsProblem {
  table: string;
  problem: string;
}

interface PolicyRow {
  table: string;
  name: string;
  permissive: string;
  roles: string[];
  cmd: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  qual: string | null;
  with_check: string | null;
}

const WRITE_COMMANDS = ['INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * Whether a policy expression restricts rows by the transaction's tenant settings. It
 * must read `current_setting('app.…')`, and once those calls are taken out, no literal
 * `true` may be left (`USING (true)`, `… OR true`).
 */
export function isTenantScoped(expression: string): boolean {
  if (!/current_setting\('app\.[a-z_]+'/.test(expression)) return false;
  const withoutSettings = expression.replace(/current_setting\([^()]*\)/g, 'SETTING');
  return !/\btrue\b/i.test(withoutSettings);
}

/**
 * Checks the live catalog of one database: every tenant table (a column `account_id` or
 * `workspace_id`, or listed in `rootTables`) must have RLS enabled and forced, every
 * permissive policy on it must be tenant-scoped in USING and WITH CHECK, every policy that
 * lets rows be written (ALL, INSERT, UPDATE) must have an explicit WITH CHECK, and reads
 * and every kind of write must be covered by a policy for the runtime role (a SELECT-only
 * table cannot be written through RLS at all), unless listed in `readOnlyTables`.
 */
export async function rlsCatalogProblems(
  client: Client,
  options: { rootTables?: string[]; readOnlyTables?: string[] } = {},
): Promise<{ tables: string[]; problems: RlsProblem[] }> {
  const { rows: tables } = await client.query<{ table: string; rls: boolean; forced: boolean }>(
    `select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and (c.relname = any($1::text[])
             or exists (select 1 from information_schema.columns col
                         where col.table_schema = n.nspname and col.table_name = c.relname
                           and col.column_name in ('account_id', 'workspace_id')))
      order by 1`,
    [options.rootTables ?? []],
  );
  const { rows: policies } = await client.query<PolicyRow>(
    `select tablename as table, policyname as name, permissive, roles::text[] as roles, cmd, qual, with_check
       from pg_policies where schemaname = 'public' order by tablename, policyname`,
  );
  const problems: RlsProblem[] = [];
  for (const { table, rls, forced } of tables) {
    const add = (problem: string) => problems.push({ table, problem });
    if (!rls) add('row-level security is not enabled');
    if (!forced) add('row-level security is not forced');
    // Policies that apply to the runtime role: PUBLIC or a `…_app` role.
    const own = policies.filter((p) => p.table === table && p.roles.some((r) => r === 'public' || r.endsWith('_app')));
    if (own.length === 0) {
      add('no policy');
      continue;
    }
    for (const p of own.filter((x) => x.permissive === 'PERMISSIVE')) {
      if (p.qual !== null && !isTenantScoped(p.qual)) add(`policy ${p.name}: USING is not tenant-scoped: ${p.qual}`);
      if (p.with_check !== null && !isTenantScoped(p.with_check)) add(`policy ${p.name}: WITH CHECK is not tenant-scoped: ${p.with_check}`);
      if ((p.cmd === 'ALL' || p.cmd === 'INSERT' || p.cmd === 'UPDATE') && p.with_check === null)
        add(`policy ${p.name} (${p.cmd}): no WITH CHECK`);
    }
    const covers = (cmd: string) => own.some((p) => p.permissive === 'PERMISSIVE' && (p.cmd === 'ALL' || p.cmd === cmd));
    if (!covers('SELECT')) add('no policy lets rows be read');
    if (!(options.readOnlyTables ?? []).includes(table)) {
      const missing = WRITE_COMMANDS.filter((cmd) => !covers(cmd));
      if (missing.length > 0) add(`no policy for ${missing.join(', ')} (writes are expected)`);
    }
  }
  return { tables: tables.map((t) => t.table), problems };
}
