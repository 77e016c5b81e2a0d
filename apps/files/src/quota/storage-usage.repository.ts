import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface StorageUsage {
  usedBytes: number;
  reservedBytes: number;
}

/**
 * Per-account storage accounting, always inside the caller's transaction. A reservation
 * is one conditional UPDATE of the account's row: concurrent uploads queue on its row
 * lock and each re-checks the condition against the committed total, so together they
 * can never exceed the quota.
 */
/**
 * The release statement, shared by the tenant path (`StorageUsageRepository.release`) and
 * the janitor's cross-tenant one (`CrossTenantCleanupRepository.releaseUsage`).
 */
export async function releaseStorage(
  manager: EntityManager,
  accountId: string,
  bytes: { reserved?: number; used?: number },
): Promise<void> {
  await manager.query(
    `update storage_usage set reserved_bytes = greatest(reserved_bytes - $2, 0), used_bytes = greatest(used_bytes - $3, 0), updated_at = now()
      where account_id = $1`,
    [accountId, bytes.reserved ?? 0, bytes.used ?? 0],
  );
}

@Injectable()
export class StorageUsageRepository {
  /** Reserves `bytes` for a pending upload if it fits in `quotaBytes`; false if it does not. */
  async reserve(manager: TenantManager, accountId: string, bytes: number, quotaBytes: number): Promise<boolean> {
    await manager.query(`insert into storage_usage (account_id) values ($1) on conflict (account_id) do nothing`, [accountId]);
    const { affected } = await writeQuery(
      manager,
      `update storage_usage set reserved_bytes = reserved_bytes + $2, updated_at = now()
        where account_id = $1 and used_bytes + reserved_bytes + $2 <= $3`,
      [accountId, bytes, quotaBytes],
    );
    return affected === 1;
  }

  /** A pending upload became a stored version: its reservation turns into usage. */
  async commitReservation(manager: TenantManager, accountId: string, bytes: number): Promise<void> {
    await manager.query(
      `update storage_usage set reserved_bytes = greatest(reserved_bytes - $2, 0), used_bytes = used_bytes + $2, updated_at = now() where account_id = $1`,
      [accountId, bytes],
    );
  }

  /**
   * Gives back reserved (pending) and used (stored) bytes. Clamped at zero so that a
   * drift can never make cleanup fail forever on the check constraint.
   */
  async release(manager: TenantManager, accountId: string, bytes: { reserved?: number; used?: number }): Promise<void> {
    await releaseStorage(manager, accountId, bytes);
  }

  async find(manager: TenantManager, accountId: string): Promise<StorageUsage> {
    const [row] = await manager.query(`select used_bytes, reserved_bytes from storage_usage where account_id = $1`, [accountId]);
    return { usedBytes: Number(row?.used_bytes ?? 0), reservedBytes: Number(row?.reserved_bytes ?? 0) };
  }
}
