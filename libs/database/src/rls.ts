import { QueryRunner } from 'typeorm';

const setting = (name: string) => `nullif(current_setting('app.${name}', true), '')::uuid`;

export interface TenantRlsOptions {
  /** Column holding the account (tenant) id. */
  accountColumn: string;
  /** Column holding the workspace id, for rows that belong to one workspace. */
  workspaceColumn?: string;
  /** Extra condition OR-ed into the policy (e.g. a user reading their own rows). */
  orUsing?: string;
}

/** The policy expression: the row's account is the transaction's, and so is its workspace when one is set. */
export function tenantPolicyExpression(options: TenantRlsOptions): string {
  const account = `${options.accountColumn} = ${setting('account_id')}`;
  const workspace = options.workspaceColumn
    ? ` and (${setting('workspace_id')} is null or ${options.workspaceColumn} = ${setting('workspace_id')})`
    : '';
  const base = `(${account}${workspace})`;
  return options.orUsing ? `(${base} or (${options.orUsing}))` : base;
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
}

export async function disableTenantRls(queryRunner: QueryRunner, table: string): Promise<void> {
  await queryRunner.query(`drop policy if exists tenant_isolation on "${table}"`);
  await queryRunner.query(`alter table "${table}" no force row level security`);
  await queryRunner.query(`alter table "${table}" disable row level security`);
}
