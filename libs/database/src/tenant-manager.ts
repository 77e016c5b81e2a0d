import { DataSource, EntityManager } from 'typeorm';

/** Brand of a manager whose transaction runs on the runtime (RLS) pool with the tenant set. */
export declare const tenantBound: unique symbol;
/** Brand of a manager whose transaction runs on the system (BYPASSRLS) pool. */
export declare const systemBound: unique symbol;

/**
 * A transaction on the runtime (`NOBYPASSRLS`) connection whose tenant settings have been
 * set (`setTenantContext`). Tenant repositories take only this; a plain `EntityManager`
 * or a `SystemManager` does not type-check. Produced only by `setTenantContext` (and so by
 * `TenantTransactions`, `WorkspaceAccess`, `FilesAccess` and the event consumer).
 */
export type TenantManager = EntityManager & { readonly [tenantBound]: true };

/**
 * A transaction on the system (`BYPASSRLS`) connection, for code that is cross-tenant by
 * nature. Only repositories whose names say so (`CrossTenant…`, `…Purge…`, `…Claims`)
 * take it. Produced only by `systemTransaction`.
 */
export type SystemManager = EntityManager & { readonly [systemBound]: true };

/** A transaction on the system (BYPASSRLS) DataSource, handing the work a `SystemManager`. */
export function systemTransaction<T>(system: DataSource, work: (manager: SystemManager) => Promise<T>): Promise<T> {
  return system.transaction((manager) => work(manager as SystemManager));
}
