import { QueryRunner } from 'typeorm';

const setting = (name: string) => `nullif(current_setting('app.${name}', true), '')::uuid`;

/** The acting user's id as RLS sees it (for "users read their own rows" policies). */
export const CURRENT_USER_ID = setting('user_id');

export interface TenantRlsOptions {
  /** Column holding the account (tenant) id. */
  accountColumn: string;
  /** Column holding the workspace id, for rows that belong to one workspace. */
  workspaceColumn?: string;
  /**
   * An extra condition under which rows may be *read* (never written): e.g. a user
   * reading their own memberships across tenants. Becomes a separate SELECT-only policy.
   */
  alsoReadableWhen?: string;
}

/** The policy expression: the row's account is the transaction's, and so is its workspace when one is set. */
export function tenantPolicyExpression(options: TenantRlsOptions): string {
  const account = `${options.accountColumn} = ${setting('account_id')}`;
  const workspace = options.workspaceColumn
    ? ` and (${setting('workspace_id')} is null or ${options.workspaceColumn} = ${setting('workspace_id')})`
    : '';
  return `(${account}${workspace})`;
}

/**
 * Protects a tenant table with Row-Level Security, ENABLE and FORCE (so the table owner
 * is subject to it too), with one policy for USING and WITH CHECK. With no tenant set,
 * the settings are null and the policy matches no row.
 */
export async function enableTenantRls(queryRunner: QueryRunner, table: string, options: TenantRlsOptions): Promise<void> {
  const expression = tenantPolicyExpression(options);
  await queryRunner.query(`alter table "${table}" enable row level security`);
  await queryRunner.query(`alter table "${table}" force row level security`);
  await queryRunner.query(`create policy tenant_isolation on "${table}" using ${expression} with check ${expression}`);
  if (options.alsoReadableWhen) {
    await queryRunner.query(`create policy also_readable on "${table}" for select using (${options.alsoReadableWhen})`);
  }
}

/**
 * Makes a table append-only for the service's runtime and system roles (no UPDATE,
 * DELETE or TRUNCATE grants), and refuses UPDATE/DELETE for everyone else with a trigger.
 * The role names derive from the migrating owner role (`<prefix>_<service>_owner`).
 */
export async function makeAppendOnly(queryRunner: QueryRunner, table: string): Promise<void> {
  await queryRunner.query(`
    do $$
    declare base text := regexp_replace(current_user, '_owner$', '');
    begin
      execute format('revoke update, delete, truncate on %I from %I, %I', '${table}', base || '_app', base || '_system');
    end $$`);
  await queryRunner.query(`
    create or replace function forbid_modification() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = '42501';
    end $$`);
  await queryRunner.query(
    `create trigger ${table}_append_only before update or delete on "${table}" for each statement execute function forbid_modification()`,
  );
}
