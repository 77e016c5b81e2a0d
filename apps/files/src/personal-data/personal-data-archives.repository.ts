import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface OwnUploadRow {
  versionId: string;
  fileId: string;
  workspaceId: string;
  number: number;
  name: string;
  sizeBytes: number;
  contentType: string;
  storageKey: string;
  sha256: string | null;
  createdAt: string;
  fileDeletedAt: string | null;
}

export interface ArchiveRow {
  exportId: string;
  userId: string;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
  files: number;
  expiresAt: Date;
}

/**
 * SQL of personal-data archives (issue 18 part 4). The user's uploads span tenants, so
 * they are read on the system connection, bound to the one user id; the archives table
 * belongs to no tenant.
 */
@Injectable()
export class PersonalDataArchivesRepository {
  /** Every ready version the user uploaded, in files not yet purged (deleted ones too, while restorable). */
  async ownUploads(manager: EntityManager, userId: string): Promise<OwnUploadRow[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select v.id, v.file_id, v.workspace_id, v.number, v.name, v.size_bytes, v.content_type, v.storage_key, v.sha256,
              v.created_at, f.deleted_at
         from file_versions v join files f on f.id = v.file_id
        where v.created_by = $1 and v.status = 'ready'
        order by v.created_at, v.id`,
      [userId],
    );
    return rows.map((r) => ({
      versionId: r.id as string,
      fileId: r.file_id as string,
      workspaceId: r.workspace_id as string,
      number: Number(r.number),
      name: r.name as string,
      sizeBytes: Number(r.size_bytes),
      contentType: r.content_type as string,
      storageKey: r.storage_key as string,
      sha256: (r.sha256 as string | null) ?? null,
      createdAt: (r.created_at as Date).toISOString(),
      fileDeletedAt: r.deleted_at ? (r.deleted_at as Date).toISOString() : null,
    }));
  }

  async find(manager: EntityManager, exportId: string): Promise<ArchiveRow | null> {
    const [row] = await manager.query(`select * from personal_data_archives where export_id = $1`, [exportId]);
    return row ? toArchive(row) : null;
  }

  /** Idempotent per export: a rebuilt archive (a retried job) replaces the row it left. */
  async save(manager: EntityManager, a: ArchiveRow): Promise<void> {
    await manager.query(
      `insert into personal_data_archives (export_id, user_id, storage_key, size_bytes, sha256, files, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (export_id) do update
         set size_bytes = excluded.size_bytes, sha256 = excluded.sha256, files = excluded.files, expires_at = excluded.expires_at
       where personal_data_archives.user_id = excluded.user_id`,
      [a.exportId, a.userId, a.storageKey, a.sizeBytes, a.sha256, a.files, a.expiresAt],
    );
  }

  /** Archives past their expiry, locked for this round (another replica skips them). */
  async claimExpired(manager: EntityManager, now: Date, limit: number): Promise<ArchiveRow[]> {
    const rows: unknown[] = await manager.query(
      `select * from personal_data_archives where expires_at <= $1 order by expires_at limit $2 for update skip locked`,
      [now, limit],
    );
    return rows.map(toArchive);
  }

  async ofUser(manager: EntityManager, userId: string): Promise<ArchiveRow[]> {
    const rows: unknown[] = await manager.query(`select * from personal_data_archives where user_id = $1 for update`, [userId]);
    return rows.map(toArchive);
  }

  async delete(manager: EntityManager, exportId: string): Promise<void> {
    await manager.query(`delete from personal_data_archives where export_id = $1`, [exportId]);
  }
}

function toArchive(row: unknown): ArchiveRow {
  const r = row as Record<string, unknown>;
  return {
    exportId: r.export_id as string,
    userId: r.user_id as string,
    storageKey: r.storage_key as string,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256 as string,
    files: Number(r.files),
    expiresAt: r.expires_at as Date,
  };
}
