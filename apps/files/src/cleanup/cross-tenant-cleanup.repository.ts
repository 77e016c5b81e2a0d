import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database/write-query';
import { VersionRow } from '../files/file-rows';
import { releaseStorage } from '../quota/storage-usage.repository';
import type { SystemManager } from '@fpms/database/tenant-manager';

export interface PurgeableFile {
  id: string;
  account_id: string;
  workspace_id: string;
  revision: number;
}

/**
 * The janitor's statements: cross-tenant by nature (run on the system pool), each claim
 * under FOR UPDATE SKIP LOCKED so replicas and requests holding a row are passed over.
 */
@Injectable()
export class CrossTenantCleanupRepository {
  /** Gives back an account's reserved and used bytes (clamped at zero), from the system pool. */
  async releaseUsage(manager: SystemManager, accountId: string, bytes: { reserved?: number; used?: number }): Promise<void> {
    await releaseStorage(manager, accountId, bytes);
  }

  /** Staging keys whose upload URLs have all expired. */
  async claimExpiredStaging(manager: SystemManager, now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ staging_key: string }> = await manager.query(
      `select staging_key from upload_staging where urls_expire_at <= $1 order by urls_expire_at limit $2 for update skip locked`,
      [now, limit],
    );
    return rows.map((row) => row.staging_key);
  }

  async forgetStaging(manager: SystemManager, stagingKey: string): Promise<void> {
    await manager.query(`delete from upload_staging where staging_key = $1`, [stagingKey]);
  }

  /** Files with an abandoned upload, file lock first (as requests take it). */
  async claimFilesWithExpiredUploads(manager: SystemManager, now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `select f.id from files f
        where exists (select 1 from file_versions v where v.file_id = f.id and v.status = 'pending' and v.upload_expires_at <= $1)
        limit $2 for update of f skip locked`,
      [now, limit],
    );
    return rows.map((row) => row.id);
  }

  async deleteExpiredPendingVersions(manager: SystemManager, fileId: string, now: Date): Promise<VersionRow[]> {
    const { rows } = await writeQuery<VersionRow>(
      manager,
      `delete from file_versions where file_id = $1 and status = 'pending' and upload_expires_at <= $2 returning *`,
      [fileId, now],
    );
    return rows;
  }

  /** A file whose only (first) upload was abandoned never existed for anyone. */
  async deleteFileIfEmpty(manager: SystemManager, fileId: string): Promise<void> {
    await manager.query(`delete from files where id = $1 and not exists (select 1 from file_versions where file_id = $1)`, [fileId]);
  }

  async claimFilesPastRestoreWindow(manager: SystemManager, now: Date, limit: number): Promise<PurgeableFile[]> {
    return manager.query(
      `select id, account_id, workspace_id, revision from files where purge_after <= $1 order by purge_after limit $2 for update skip locked`,
      [now, limit],
    );
  }

  /** Deletes the file and all its versions; answers the versions, whose objects the caller removes. */
  async deleteFileWithVersions(manager: SystemManager, fileId: string): Promise<VersionRow[]> {
    const { rows } = await writeQuery<VersionRow>(manager, `delete from file_versions where file_id = $1 returning *`, [fileId]);
    await manager.query(`delete from files where id = $1`, [fileId]);
    return rows;
  }
}
