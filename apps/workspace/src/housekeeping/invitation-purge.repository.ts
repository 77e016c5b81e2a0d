import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** Purge key (two-int advisory lock form) so one replica purges invitations at a time. */
const PURGE_LOCK = [0x1a71, 1] as const;

@Injectable()
export class InvitationPurgeRepository {
  /**
   * Deletes up to `limit` invitations that ended before `before`: revoked, or past their
   * expiry (least() ignores nulls: whichever came first). A used-up invitation has no
   * "used up at" time, so it goes once its expiry is past the retention as well. Runs on
   * the system pool (cross-tenant by nature). Returns null if another replica holds the lock.
   */
  async purgeEnded(manager: SystemManager, before: Date, limit: number): Promise<number | null> {
    const [{ locked }]: Array<{ locked: boolean }> = await manager.query(`select pg_try_advisory_xact_lock($1, $2) as locked`, [
      ...PURGE_LOCK,
    ]);
    if (!locked) return null;
    const { affected } = await writeQuery(
      manager,
      `delete from workspace_invitations where id in (
         select id from workspace_invitations where least(revoked_at, expires_at) < $1 limit $2)`,
      [before, limit],
    );
    return affected;
  }
}
