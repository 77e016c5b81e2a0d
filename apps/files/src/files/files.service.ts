import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { DownloadView, FileDeletedData, FileDetailView, FileRestoredData, FilesEvents, FileVersionView, FileView } from '@fpms/contracts';
import { OutboxWriter, VerifiedRpc } from '@fpms/messaging';
import { FilesAccess } from '../access/files-access';
import { Clock, CLOCK } from '../clock';
import { FilesEnv, FILES_ENV } from '../config';
import { StorageUsageRepository } from '../quota/storage-usage.repository';
import { ObjectStorage } from '../storage/object-storage';
import { toFileDetailView, toFileView, toVersionView } from './file-rows';
import { FilesError } from './files.errors';
import { FilesRepository } from './files.repository';

type Scoped = { workspaceId: string; fileId: string };

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    private readonly access: FilesAccess,
    private readonly files: FilesRepository,
    private readonly usage: StorageUsageRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FILES_ENV) private readonly env: FilesEnv,
  ) {}

  list(caller: VerifiedRpc<unknown>, input: { workspaceId: string; deleted: boolean; limit: number }): Promise<{ items: FileView[] }> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.ReadFiles, async (manager) => {
      const rows = await this.files.list(manager, input.workspaceId, input.deleted, input.limit);
      return { items: rows.map((r) => toFileView(r.file, r.latest)) };
    });
  }

  /** Metadata and every version. A deleted file still answers (with `deletedAt`) so it can be restored. */
  get(caller: VerifiedRpc<unknown>, input: Scoped): Promise<FileDetailView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.ReadFiles, async (manager) => {
      const file = await this.files.findFile(manager, input.workspaceId, input.fileId);
      if (!file) throw FilesError.fileNotFound(input.fileId);
      return toFileDetailView(file, await this.files.listVersions(manager, input.workspaceId, input.fileId));
    });
  }

  /**
   * A short-lived GET URL for a ready version. Deliberately free of plan or lock checks:
   * clients keep access to deliverables they paid for whatever the account's standing.
   */
  download(caller: VerifiedRpc<unknown>, input: Scoped & { versionId?: string }): Promise<DownloadView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.ReadFiles, async (manager) => {
      const file = await this.files.findFile(manager, input.workspaceId, input.fileId);
      if (!file || file.deleted_at) throw FilesError.fileNotFound(input.fileId);
      const version = input.versionId
        ? await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId)
        : await this.files.latestReadyVersion(manager, input.workspaceId, input.fileId);
      if (!version) throw FilesError.versionNotFound(input.versionId);
      if (version.status !== 'ready') throw FilesError.versionNotReady();
      const ttl = this.env.S3_PRESIGN_GET_TTL_SECONDS;
      const url = await this.storage.presignGet(version.storage_key, { fileName: version.name, contentType: version.content_type, expiresInSeconds: ttl });
      return { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), version: toVersionView(version) };
    });
  }

  /** Soft delete, restorable for FILES_RESTORE_WINDOW_HOURS. Refused while a version is pinned. Idempotent. */
  delete(caller: VerifiedRpc<unknown>, input: Scoped): Promise<FileView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.DeleteFiles, async (manager, grant) => {
      const file = await this.files.findFile(manager, input.workspaceId, input.fileId, { lock: true });
      if (!file) throw FilesError.fileNotFound(input.fileId);
      if (!file.deleted_at) {
        if (await this.files.hasPinnedVersion(manager, input.fileId)) throw FilesError.filePinned();
        const now = this.clock.now();
        const purgeAfter = new Date(now.getTime() + this.env.FILES_RESTORE_WINDOW_HOURS * 3_600_000);
        await this.files.markDeleted(manager, input.fileId, caller.userId, now, purgeAfter);
        const revision = await this.files.bumpRevision(manager, input.fileId);
        await this.outbox.add<FileDeletedData>(manager, {
          type: FilesEvents.fileDeleted,
          tenant: { accountId: grant.accountId, workspaceId: grant.workspaceId },
          aggregateId: input.fileId,
          aggregateVersion: revision,
          requestId: caller.requestId,
          data: { fileId: input.fileId, workspaceId: grant.workspaceId, deletedBy: caller.userId, restorableUntil: purgeAfter.toISOString() },
        });
      }
      const updated = (await this.files.findFile(manager, input.workspaceId, input.fileId))!;
      return toFileView(updated, await this.files.latestReadyVersion(manager, input.workspaceId, input.fileId));
    });
  }

  /** Undoes a soft delete within the window (410 after it). Idempotent on a live file. */
  restore(caller: VerifiedRpc<unknown>, input: Scoped): Promise<FileView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.DeleteFiles, async (manager, grant) => {
      const file = await this.files.findFile(manager, input.workspaceId, input.fileId, { lock: true });
      if (!file) throw FilesError.fileNotFound(input.fileId);
      if (file.deleted_at) {
        if (file.purge_after!.getTime() <= this.clock.now().getTime()) throw FilesError.restoreWindowExpired();
        await this.files.markRestored(manager, input.fileId);
        const revision = await this.files.bumpRevision(manager, input.fileId);
        await this.outbox.add<FileRestoredData>(manager, {
          type: FilesEvents.fileRestored,
          tenant: { accountId: grant.accountId, workspaceId: grant.workspaceId },
          aggregateId: input.fileId,
          aggregateVersion: revision,
          requestId: caller.requestId,
          data: { fileId: input.fileId, workspaceId: grant.workspaceId, restoredBy: caller.userId },
        });
      }
      const updated = (await this.files.findFile(manager, input.workspaceId, input.fileId))!;
      return toFileView(updated, await this.files.latestReadyVersion(manager, input.workspaceId, input.fileId));
    });
  }

  /** Removes one version for good (row, bytes, usage). Not a pinned one, not the file's last. */
  async deleteVersion(caller: VerifiedRpc<unknown>, input: Scoped & { versionId: string }): Promise<{ deleted: true }> {
    const removed = await this.access.run(caller, input.workspaceId, WorkspaceAction.DeleteFiles, async (manager, grant) => {
      const file = await this.files.findFile(manager, input.workspaceId, input.fileId, { lock: true });
      if (!file || file.deleted_at) throw FilesError.fileNotFound(input.fileId);
      const version = await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId, { lock: true });
      if (!version) throw FilesError.versionNotFound(input.versionId);
      if (version.pinned_at) throw FilesError.versionPinned();
      if ((await this.files.countVersions(manager, input.fileId)) <= 1) throw FilesError.lastVersion();
      await this.files.deleteVersion(manager, version.id);
      const size = Number(version.size_bytes);
      await this.usage.release(manager, grant.accountId, version.status === 'ready' ? { used: size } : { reserved: size });
      return version;
    });
    // After commit: a failure here leaves an orphaned object, never a version without bytes.
    // A pending version's upload dies with it: the multipart upload is aborted, the staged
    // object removed, and completion answers 404 (a PUT through a still-valid URL lands on
    // the staging key only, which the janitor sweeps once the URL has expired).
    try {
      const uploadKey = removed.staging_key ?? removed.storage_key;
      if (removed.multipart_upload_id) await this.storage.abortMultipartUpload(uploadKey, removed.multipart_upload_id);
      if (removed.staging_key) await this.storage.delete(removed.staging_key);
      await this.storage.delete(removed.storage_key);
    } catch (error) {
      this.logger.warn(`version ${removed.id} deleted but its object ${removed.storage_key} was not: ${(error as Error).message}`);
    }
    return { deleted: true };
  }

  /** Pins a ready version as a deliverable (milestone submission). Idempotent; the first pin's details stay. */
  pin(caller: VerifiedRpc<unknown>, input: { workspaceId: string; fileId?: string; versionId: string; pinnedFor?: string }): Promise<FileVersionView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.PinFiles, async (manager) => {
      const fileId = input.fileId ?? (await this.files.fileIdOfVersion(manager, input.workspaceId, input.versionId));
      if (!fileId) throw FilesError.versionNotFound(input.versionId);
      const file = await this.files.findFile(manager, input.workspaceId, fileId, { lock: true });
      if (!file || file.deleted_at) throw FilesError.fileNotFound(fileId);
      const version = await this.files.findVersion(manager, input.workspaceId, fileId, input.versionId, { lock: true });
      if (!version) throw FilesError.versionNotFound(input.versionId);
      if (version.status !== 'ready') throw FilesError.versionNotReady();
      if (!version.pinned_at) await this.files.pin(manager, version.id, caller.userId, this.clock.now(), input.pinnedFor ?? null);
      return toVersionView((await this.files.findVersion(manager, input.workspaceId, fileId, input.versionId))!);
    });
  }
}
