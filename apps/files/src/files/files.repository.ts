import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database';
import { FileRow, VersionRow } from './file-rows';
import type { TenantManager } from '@fpms/database/tenant-manager';

const FILE_COLUMNS = `f.id, f.account_id, f.workspace_id, f.name, f.created_by, f.created_at, f.revision, f.deleted_at, f.purge_after`;

export interface NewVersion {
  id: string;
  fileId: string;
  accountId: string;
  workspaceId: string;
  name: string;
  size: number;
  contentType: string;
  storageKey: string;
  stagingKey: string;
  expectedSha256: string | null;
  multipartUploadId: string | null;
  uploadExpiresAt: Date;
  createdBy: string;
  createdAt: Date;
}

/**
 * SQL for files and their versions. Every method runs in the caller's tenant transaction
 * (RLS scopes it to one workspace) and also names the workspace explicitly: there is no
 * unscoped finder.
 */
@Injectable()
export class FilesRepository {
  async insertFile(
    manager: TenantManager,
    file: { id: string; accountId: string; workspaceId: string; name: string; createdBy: string; createdAt: Date },
  ): Promise<void> {
    await manager.query(`insert into files (id, account_id, workspace_id, name, created_by, created_at) values ($1, $2, $3, $4, $5, $6)`, [
      file.id,
      file.accountId,
      file.workspaceId,
      file.name,
      file.createdBy,
      file.createdAt,
    ]);
  }

  /** Takes the next version number of the file (under the file's row lock). */
  async nextVersionNumber(manager: TenantManager, workspaceId: string, fileId: string): Promise<number> {
    const {
      rows: [row],
    } = await writeQuery<{ number: number }>(
      manager,
      `update files set next_version_number = next_version_number + 1 where id = $1 and workspace_id = $2 returning next_version_number - 1 as number`,
      [fileId, workspaceId],
    );
    return row.number;
  }

  async insertVersion(manager: TenantManager, v: NewVersion & { number: number }): Promise<void> {
    await manager.query(
      `insert into file_versions (id, file_id, account_id, workspace_id, number, name, size_bytes, content_type, storage_key, status,
                                  multipart_upload_id, upload_expires_at, created_by, created_at, staging_key, expected_sha256)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13, $14, $15)`,
      [
        v.id,
        v.fileId,
        v.accountId,
        v.workspaceId,
        v.number,
        v.name,
        v.size,
        v.contentType,
        v.storageKey,
        v.multipartUploadId,
        v.uploadExpiresAt,
        v.createdBy,
        v.createdAt,
        v.stagingKey,
        v.expectedSha256,
      ],
    );
  }

  /** Remembers a staging key until its upload URLs expire, whatever becomes of the version: the janitor then removes the object. */
  async recordStaging(
    manager: TenantManager,
    s: { stagingKey: string; accountId: string; workspaceId: string; versionId: string; urlsExpireAt: Date },
  ): Promise<void> {
    await manager.query(
      `insert into upload_staging (staging_key, account_id, workspace_id, version_id, urls_expire_at) values ($1, $2, $3, $4, $5)`,
      [s.stagingKey, s.accountId, s.workspaceId, s.versionId, s.urlsExpireAt],
    );
  }

  /** The file, deleted or not; `lock` takes its row lock for a change. */
  async findFile(manager: TenantManager, workspaceId: string, fileId: string, options: { lock?: boolean } = {}): Promise<FileRow | null> {
    const [row] = await manager.query(
      `select ${FILE_COLUMNS} from files f where f.id = $1 and f.workspace_id = $2 ${options.lock ? 'for update' : ''}`,
      [fileId, workspaceId],
    );
    return row ?? null;
  }

  async listVersions(manager: TenantManager, workspaceId: string, fileId: string): Promise<VersionRow[]> {
    return manager.query(`select * from file_versions where file_id = $1 and workspace_id = $2 order by number desc`, [
      fileId,
      workspaceId,
    ]);
  }

  async fileIdOfVersion(manager: TenantManager, workspaceId: string, versionId: string): Promise<string | null> {
    const [row] = await manager.query(`select file_id from file_versions where id = $1 and workspace_id = $2`, [versionId, workspaceId]);
    return row?.file_id ?? null;
  }

  async findVersion(
    manager: TenantManager,
    workspaceId: string,
    fileId: string,
    versionId: string,
    options: { lock?: boolean } = {},
  ): Promise<VersionRow | null> {
    const [row] = await manager.query(
      `select * from file_versions where id = $1 and file_id = $2 and workspace_id = $3 ${options.lock ? 'for update' : ''}`,
      [versionId, fileId, workspaceId],
    );
    return row ?? null;
  }

  async latestReadyVersion(manager: TenantManager, workspaceId: string, fileId: string): Promise<VersionRow | null> {
    const [row] = await manager.query(
      `select * from file_versions where file_id = $1 and workspace_id = $2 and status = 'ready' order by number desc limit 1`,
      [fileId, workspaceId],
    );
    return row ?? null;
  }

  /** Files of a workspace (live or deleted), newest first, each with its latest ready version. */
  async list(
    manager: TenantManager,
    workspaceId: string,
    deleted: boolean,
    limit: number,
  ): Promise<Array<{ file: FileRow; latest: VersionRow | null }>> {
    const rows: Array<FileRow & { latest: VersionRow | null }> = await manager.query(
      `select ${FILE_COLUMNS}, (select to_jsonb(v) from file_versions v
                                 where v.file_id = f.id and v.status = 'ready' order by v.number desc limit 1) as latest
         from files f
        where f.workspace_id = $1 and (f.deleted_at is not null) = $2
        order by f.created_at desc, f.id
        limit $3`,
      [workspaceId, deleted, limit],
    );
    return rows.map(({ latest, ...file }) => ({ file, latest }));
  }

  /** The version becomes the completion's copy: `storage_key` is that copy's key from now on, for good. */
  async markReady(manager: TenantManager, versionId: string, ready: { at: Date; storageKey: string; sha256: string }): Promise<void> {
    await manager.query(
      `update file_versions set status = 'ready', ready_at = $2, multipart_upload_id = null, storage_key = $3, sha256 = $4 where id = $1`,
      [versionId, ready.at, ready.storageKey, ready.sha256],
    );
  }

  /** Bumps and returns the file's revision: the aggregateVersion of the event about to be written. */
  async bumpRevision(manager: TenantManager, fileId: string): Promise<number> {
    const {
      rows: [row],
    } = await writeQuery<{ revision: number }>(manager, `update files set revision = revision + 1 where id = $1 returning revision`, [
      fileId,
    ]);
    return row.revision;
  }

  async markDeleted(manager: TenantManager, fileId: string, by: string, at: Date, purgeAfter: Date): Promise<void> {
    await manager.query(`update files set deleted_at = $2, deleted_by = $3, purge_after = $4 where id = $1`, [fileId, at, by, purgeAfter]);
  }

  async markRestored(manager: TenantManager, fileId: string): Promise<void> {
    await manager.query(`update files set deleted_at = null, deleted_by = null, purge_after = null where id = $1`, [fileId]);
  }

  async hasPinnedVersion(manager: TenantManager, fileId: string): Promise<boolean> {
    const [row] = await manager.query(
      `select exists (select 1 from file_versions where file_id = $1 and pinned_at is not null) as pinned`,
      [fileId],
    );
    return row.pinned;
  }

  async countVersions(manager: TenantManager, fileId: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from file_versions where file_id = $1`, [fileId]);
    return row.n;
  }

  async pin(manager: TenantManager, versionId: string, by: string, at: Date, pinnedFor: string | null): Promise<void> {
    await manager.query(`update file_versions set pinned_at = $2, pinned_by = $3, pinned_for = $4 where id = $1`, [
      versionId,
      at,
      by,
      pinnedFor,
    ]);
  }

  async deleteVersion(manager: TenantManager, versionId: string): Promise<void> {
    await manager.query(`delete from file_versions where id = $1`, [versionId]);
  }
}
