import { DataSource } from 'typeorm';
import type { TenantManager } from './tenant-manager';
import { setTenantContext, TenantScope, UserScope } from './tenant-context';

/**
 * The only way request code touches tenant tables: a transaction on the runtime (RLS)
 * connection that starts by setting the tenant. There is deliberately no unscoped
 * variant here; cross-tenant code paths take the system DataSource explicitly, through
 * `systemTransaction`, and get a `SystemManager` that tenant repositories refuse.
 */
export class TenantTransactions {
  constructor(private readonly runtime: DataSource) {}

  run<T>(scope: TenantScope, work: (manager: TenantManager) => Promise<T>): Promise<T> {
    return this.runtime.transaction(async (manager) => {
      return work(await setTenantContext(manager, scope));
    });
  }

  /** A transaction that sees only rows policies grant to this user (no tenant chosen). */
  runForUser<T>(scope: UserScope, work: (manager: TenantManager) => Promise<T>): Promise<T> {
    return this.runtime.transaction(async (manager) => {
      return work(await setTenantContext(manager, { userId: scope.userId }));
    });
  }
}
