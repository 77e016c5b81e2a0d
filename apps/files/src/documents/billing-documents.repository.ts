import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** Who made a file billing issued (files and pins name a user; no user made these). */
export const SYSTEM_ACTOR_ID = '00000000-0000-0000-0000-000000000000';

/** SQL of documents billing hands over: the file, its one ready version, its `document` pin and the storage it uses. */
@Injectable()
export class BillingDocumentsRepository {
  async lockDocument(manager: TenantManager, documentId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtext('files.billing_document'), hashtext($1))`, [documentId]);
  }

  async find(manager: TenantManager, documentId: string): Promise<{ fileId: string; versionId: string } | null> {
    const [row] = await manager.query(`select file_id, version_id from stored_documents where document_id = $1`, [documentId]);
    return row ? { fileId: row.file_id, versionId: row.version_id } : null;
  }

  async insertStored(
    manager: TenantManager,
    d: {
      documentId: string;
      accountId: string;
      workspaceId: string;
      fileId: string;
      versionId: string;
      name: string;
      size: number;
      contentType: string;
      storageKey: string;
      sha256: string;
      pinnedFor: string;
      at: Date;
    },
  ): Promise<void> {
    await manager.query(
      `insert into files (id, account_id, workspace_id, name, created_by, created_at, revision, next_version_number)
       values ($1, $2, $3, $4, $5, $6, 1, 2)`,
      [d.fileId, d.accountId, d.workspaceId, d.name, SYSTEM_ACTOR_ID, d.at],
    );
    await manager.query(
      `insert into file_versions (id, file_id, account_id, workspace_id, number, name, size_bytes, content_type, storage_key, status,
                                  upload_expires_at, created_by, created_at, ready_at, sha256)
       values ($1, $2, $3, $4, 1, $5, $6, $7, $8, 'ready', $9, $10, $9, $9, $11)`,
      [d.versionId, d.fileId, d.accountId, d.workspaceId, d.name, d.size, d.contentType, d.storageKey, d.at, SYSTEM_ACTOR_ID, d.sha256],
    );
    await manager.query(
      `insert into file_version_pins (id, account_id, workspace_id, version_id, kind, pinned_for, pinned_by, pinned_at)
       values (gen_random_uuid(), $1, $2, $3, 'document', $4, $5, $6)`,
      [d.accountId, d.workspaceId, d.versionId, d.pinnedFor, SYSTEM_ACTOR_ID, d.at],
    );
    await manager.query(`insert into storage_usage (account_id) values ($1) on conflict (account_id) do nothing`, [d.accountId]);
    await manager.query(`update storage_usage set used_bytes = used_bytes + $2, updated_at = now() where account_id = $1`, [
      d.accountId,
      d.size,
    ]);
    await manager.query(
      `insert into stored_documents (document_id, account_id, workspace_id, file_id, version_id, stored_at) values ($1, $2, $3, $4, $5, $6)`,
      [d.documentId, d.accountId, d.workspaceId, d.fileId, d.versionId, d.at],
    );
  }

  /** Whether a document pin holds the version (no member removes it). */
  async isDocument(manager: TenantManager, versionId: string): Promise<boolean> {
    const [row] = await manager.query(
      `select exists (select 1 from file_version_pins where version_id = $1 and kind = 'document') as pinned`,
      [versionId],
    );
    return row.pinned;
  }
}
