import { EntityManager } from 'typeorm';
import { preparedQuery } from './prepared-query';
import type { TenantManager } from './tenant-manager';

/**
 * The tenant a unit of work runs for. RLS policies read these as transaction-local
 * settings (`app.account_id`, `app.workspace_id`); an absent value means "no tenant",
 * which the policies treat as matching nothing.
 */
export interface TenantScope {
  accountId: string;
  workspaceId?: string;
  /** The acting user, for policies that let users read their own rows across tenants. */
  userId?: string;
}

/** A user acting on their own rows only (e.g. their memberships, before a tenant is chosen). */
export interface UserScope {
  userId: string;
}

/**
 * Sets the tenant for the current transaction only (`set_config(..., true)`, bound
 * parameters). Must run inside a transaction: outside one the setting would not reset,
 * and a pooled connection would carry it to the next, unrelated, request. Returns the
 * same manager branded `TenantManager`: the only way to obtain one.
 */
export async function setTenantContext(manager: EntityManager, scope: TenantScope | UserScope): Promise<TenantManager> {
  const { accountId = '', workspaceId = '', userId = '' } = scope as Partial<TenantScope>;
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('setTenantContext must be called inside a transaction');
  }
  // Every unit of work starts with this statement: prepared once per connection.
  await preparedQuery(
    manager,
    `select set_config('app.account_id', $1, true), set_config('app.workspace_id', $2, true), set_config('app.user_id', $3, true)`,
    [accountId, workspaceId, userId],
  );
  return manager as TenantManager;
}
