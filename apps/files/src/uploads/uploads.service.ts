import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import {
  CreatedUploadView,
  CreateUploadBody,
  CreateVersionBody,
  FileDetailView,
  FilesEvents,
  UploadInstructions,
  WorkspaceGrant,
} from '@fpms/contracts';
import { idempotent } from '@fpms/database/idempotency';
import { OutboxWriter, VerifiedRpc } from '@fpms/messaging';
import { FilesAccess } from '../access/files-access';
import { Clock } from '@fpms/common/scheduling/clock';
import { FilesEnv, FILES_ENV } from '../config';
import { toFileDetailView, toFileView, toVersionView, VersionRow } from '../files/file-rows';
import { FilesErrorCode } from '@fpms/contracts/errors';
import { FilesError } from '../files/files.errors';
import { FilesRepository } from '../files/files.repository';
import { StorageUsageRepository } from '../quota/storage-usage.repository';
import { ObjectStorage } from '../storage/object-storage';
import { deliveredKey, stagingKey, storageKey } from '../storage/storage-key';
import { assertContentTypeAllowed, multipartLayout } from './upload-policy';
import { sideOf } from '@fpms/auth/permissions';
import { assertNotLocked, assertWithinLimit, EntitlementsReader, PlanError } from '@fpms/platform/entitlements';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * Uploads without our services touching the bytes: reserve quota and record a pending
 * version in one transaction, hand out presigned URLs, and mark the version ready only
 * once the object store confirms an object of exactly the announced size.
 */
@Injectable()
export class UploadsService {
  private readonly logger = new Logger(UploadsService.name);

  constructor(
    private readonly access: FilesAccess,
    private readonly files: FilesRepository,
    private readonly entitlements: EntitlementsReader,
    private readonly usage: StorageUsageRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(FILES_ENV) private readonly env: FilesEnv,
  ) {}

  /** A new file with its first version, pending. */
  async createUpload(caller: VerifiedRpc<unknown>, workspaceId: string, input: CreateUploadBody): Promise<CreatedUploadView> {
    const grant = await this.access.authorize(caller, workspaceId, WorkspaceAction.UploadFiles);
    const fileId = randomUUID();
    return this.startVersion(caller, grant, fileId, input, async (manager, now) => {
      await this.files.insertFile(manager, {
        id: fileId,
        accountId: grant.accountId,
        workspaceId,
        name: input.name,
        createdBy: caller.userId,
        createdAt: now,
      });
    });
  }

  /** Another version of an existing, live file. */
  async createVersion(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    fileId: string,
    input: CreateVersionBody,
  ): Promise<CreatedUploadView> {
    const grant = await this.access.authorize(caller, workspaceId, WorkspaceAction.UploadFiles);
    let name = input.name;
    if (!name) {
      const file = await this.access.inTenant(caller, grant, (manager) => this.files.findFile(manager, workspaceId, fileId));
      if (!file || file.deleted_at) throw FilesError.fileNotFound(fileId);
      name = file.name;
    }
    return this.startVersion(caller, grant, fileId, { ...input, name }, async (manager) => {
      const file = await this.files.findFile(manager, workspaceId, fileId, { lock: true });
      if (!file || file.deleted_at) throw FilesError.fileNotFound(fileId);
    });
  }

  private async startVersion(
    caller: VerifiedRpc<unknown>,
    grant: WorkspaceGrant,
    fileId: string,
    input: CreateUploadBody,
    prepareFile: (manager: TenantManager, now: Date) => Promise<void>,
  ): Promise<CreatedUploadView> {
    assertContentTypeAllowed(input.contentType, this.env.FILES_ALLOWED_CONTENT_TYPES);
    if (input.size > this.env.FILES_MAX_SIZE_BYTES) throw FilesError.fileTooLarge(input.size, this.env.FILES_MAX_SIZE_BYTES);
    const versionId = randomUUID();
    const parts = { accountId: grant.accountId, workspaceId: grant.workspaceId, fileId, versionId };
    // The client uploads to the staging key only; the version's own bytes are completion's copy.
    const key = stagingKey(parts);
    const multipart = input.size >= this.env.FILES_MULTIPART_THRESHOLD_BYTES;
    const uploadId = multipart ? await this.storage.createMultipartUpload(key, input.contentType) : null;
    const now = this.clock.now();
    const uploadExpiresAt = new Date(now.getTime() + this.env.FILES_UPLOAD_EXPIRY_MINUTES * 60_000);
    try {
      const created = await this.access.inTenant(
        caller,
        grant,
        idempotent(caller, async (manager) => {
          // The plan (from memory): a locked account's freelancer side uploads nothing new
          // (its clients still may); the file size and the storage quota are the plan's.
          const entitlements = await this.entitlements.forAccount(manager, grant.accountId);
          if (grant.role !== 'former_client' && sideOf(grant.role) === 'freelancer') assertNotLocked(entitlements);
          assertWithinLimit(entitlements, 'maxFileSizeBytes', 0, input.size);
          await prepareFile(manager, now);
          if (!(await this.usage.reserve(manager, grant.accountId, input.size, entitlements.limits.storageQuotaBytes))) {
            const current = await this.usage.find(manager, grant.accountId);
            throw PlanError.limitReached(entitlements, 'storageQuotaBytes', current.usedBytes + current.reservedBytes, input.size);
          }
          const number = await this.files.nextVersionNumber(manager, grant.workspaceId, fileId);
          await this.files.insertVersion(manager, {
            id: versionId,
            fileId,
            number,
            accountId: grant.accountId,
            workspaceId: grant.workspaceId,
            name: input.name,
            size: input.size,
            contentType: input.contentType,
            // Never written (completion copies to a key of its own); unique and tenant-prefixed.
            storageKey: storageKey(parts),
            stagingKey: key,
            expectedSha256: input.sha256 ?? null,
            multipartUploadId: uploadId,
            uploadExpiresAt,
            createdBy: caller.userId,
            createdAt: now,
          });
          // Upload URLs never outlive the pending upload (see instructions()).
          await this.files.recordStaging(manager, {
            stagingKey: key,
            accountId: grant.accountId,
            workspaceId: grant.workspaceId,
            versionId,
            urlsExpireAt: uploadExpiresAt,
          });
          const file = (await this.files.findFile(manager, grant.workspaceId, fileId))!;
          const version = (await this.files.findVersion(manager, grant.workspaceId, fileId, versionId))!;
          const latest = await this.files.latestReadyVersion(manager, grant.workspaceId, fileId);
          return { file: toFileView(file, latest), version };
        }),
      );
      // A replayed request answers the version its first attempt created: this attempt's multipart upload is not needed.
      const replayed = created.version.id !== versionId;
      if (replayed && uploadId) await this.storage.abortMultipartUpload(key, uploadId);
      const expiresAt = replayed ? new Date(created.version.upload_expires_at) : uploadExpiresAt;
      return { file: created.file, version: toVersionView(created.version), upload: await this.instructions(created.version, expiresAt) };
    } catch (error) {
      if (uploadId) await this.storage.abortMultipartUpload(key, uploadId);
      throw error;
    }
  }

  /** Presigned URL(s), valid no longer than the pending upload itself. */
  private async instructions(version: VersionRow, uploadExpiresAt: Date): Promise<UploadInstructions> {
    const now = this.clock.now().getTime();
    const ttl = Math.max(1, Math.min(this.env.S3_PRESIGN_PUT_TTL_SECONDS, Math.floor((uploadExpiresAt.getTime() - now) / 1000)));
    const expiresAt = new Date(now + ttl * 1000).toISOString();
    const size = Number(version.size_bytes);
    const key = version.staging_key!;
    if (!version.multipart_upload_id) {
      const sha256 = version.expected_sha256;
      const url = await this.storage.presignPut(key, {
        size,
        contentType: version.content_type,
        sha256: sha256 ?? undefined,
        expiresInSeconds: ttl,
      });
      const headers: Record<string, string> = { 'Content-Type': version.content_type, 'Content-Length': String(size) };
      if (sha256) headers['x-amz-checksum-sha256'] = Buffer.from(sha256, 'hex').toString('base64');
      return { method: 'PUT', url, headers, expiresAt };
    }
    const layout = multipartLayout(size, this.env.FILES_MULTIPART_PART_SIZE_BYTES);
    const parts = await Promise.all(
      layout.map(async (part) => ({
        ...part,
        url: await this.storage.presignUploadPart(key, {
          uploadId: version.multipart_upload_id!,
          partNumber: part.partNumber,
          size: part.size,
          expiresInSeconds: ttl,
        }),
      })),
    );
    return { method: 'multipart', partSize: layout[0].size, parts, expiresAt };
  }

  /**
   * Verifies the upload and marks the version ready. Idempotent: completing a ready
   * version answers the file again. The object store is worked outside any transaction:
   * this attempt copies the staged bytes server-side to a key of its own (no upload URL
   * names it), checks that copy — size, type and SHA-256 (against the declared one, 422 on
   * a mismatch) — and the state change then re-checks the version under its row lock.
   * Whatever is PUT to the staging key afterwards never reaches what downloads read.
   */
  async complete(
    caller: VerifiedRpc<unknown>,
    input: { workspaceId: string; fileId: string; versionId: string; parts?: Array<{ partNumber: number; etag: string }> },
  ): Promise<FileDetailView> {
    const grant = await this.access.authorize(caller, input.workspaceId, WorkspaceAction.UploadFiles);
    const version = await this.access.inTenant(caller, grant, (manager) => this.liveVersion(manager, input));
    let copy: { key: string; sha256: string } | null = null;
    if (version.status === 'pending') {
      if (version.upload_expires_at.getTime() <= this.clock.now().getTime()) throw FilesError.uploadExpired();
      try {
        copy = await this.verifiedCopy(grant, version, input.parts);
      } catch (error) {
        // A concurrent completion may have won meanwhile (and removed the staged object): answer as for a ready version.
        const current = await this.access.inTenant(caller, grant, (manager) => this.liveVersion(manager, input));
        if (current.status !== 'ready') throw error;
      }
    }
    try {
      const done = await this.access.inTenant(caller, grant, async (manager) => {
        const locked = await this.liveVersion(manager, input, { lock: true });
        let won = false;
        if (locked.status === 'pending' && copy) {
          const now = this.clock.now();
          if (locked.upload_expires_at.getTime() <= now.getTime()) throw FilesError.uploadExpired();
          await this.files.markReady(manager, locked.id, { at: now, storageKey: copy.key, sha256: copy.sha256 });
          won = true;
          await this.usage.commitReservation(manager, grant.accountId, Number(locked.size_bytes));
          const revision = await this.files.bumpRevision(manager, input.fileId);
          await this.outbox.add(manager, {
            type: FilesEvents.versionReady,
            tenant: { accountId: grant.accountId, workspaceId: grant.workspaceId },
            aggregateId: input.fileId,
            aggregateVersion: revision,
            requestId: caller.requestId,
            data: {
              fileId: input.fileId,
              versionId: locked.id,
              workspaceId: grant.workspaceId,
              number: locked.number,
              name: locked.name,
              size: Number(locked.size_bytes),
              contentType: locked.content_type,
              uploadedBy: locked.created_by,
            },
          });
        }
        const file = (await this.files.findFile(manager, input.workspaceId, input.fileId))!;
        return { won, view: toFileDetailView(file, await this.files.listVersions(manager, input.workspaceId, input.fileId)) };
      });
      // A concurrent attempt won: its copy is the version; ours is garbage.
      if (copy && !done.won) await this.removeQuietly(copy.key);
      // The staged bytes are no longer needed (a late PUT is swept by the janitor once the URL expires).
      if (done.won && version.staging_key) await this.removeQuietly(version.staging_key);
      return done.view;
    } catch (error) {
      if (copy) {
        // Unless the failure hid a commit (then the copy is the version): check before removing.
        const current = await this.access
          .inTenant(caller, grant, (manager) => this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId))
          .catch(() => undefined);
        if (current !== undefined && current?.storage_key !== copy.key) await this.removeQuietly(copy.key);
      }
      throw error;
    }
  }

  /** This attempt's checked copy of the staged bytes, or the error to answer (the wrong bytes removed, so the client may PUT again). */
  private async verifiedCopy(
    grant: WorkspaceGrant,
    version: VersionRow,
    parts?: Array<{ partNumber: number; etag: string }>,
  ): Promise<{ key: string; sha256: string }> {
    // Versions created before staging uploaded straight to their storage key.
    const source = version.staging_key ?? version.storage_key;
    if (version.multipart_upload_id) {
      if (!parts?.length) throw FilesError.uploadIncomplete('send the ETag of every part');
      await this.storage.completeMultipartUpload(source, version.multipart_upload_id, parts).catch((error: Error) => {
        throw FilesError.uploadIncomplete(
          error.name === 'NoSuchUpload' ? 'unknown or already completed upload' : error.name || 'rejected by storage',
        );
      });
    }
    if (!(await this.storage.head(source))) throw FilesError.uploadNotFound();
    const key = deliveredKey(
      { accountId: grant.accountId, workspaceId: grant.workspaceId, fileId: version.file_id, versionId: version.id },
      randomUUID(),
    );
    await this.storage.copy(source, key).catch(async (error: Error) => {
      // A copy cut short (the staged object removed by a concurrent winner) may leave part of it behind.
      await this.removeQuietly(key);
      throw error.name === 'NoSuchKey' ? FilesError.uploadNotFound() : error;
    });
    try {
      // Checked on the copy, not the staging object: nobody can change it between check and use.
      const stored = await this.storage.head(key);
      if (!stored) throw FilesError.uploadNotFound();
      const expectedSize = Number(version.size_bytes);
      if (stored.size !== expectedSize) throw FilesError.sizeMismatch(expectedSize, stored.size);
      if (!sameContentType(stored.contentType, version.content_type))
        throw FilesError.contentTypeMismatch(version.content_type, stored.contentType);
      const sha256 = await this.storage.sha256(key);
      if (version.expected_sha256 && sha256 !== version.expected_sha256) throw FilesError.checksumMismatch(version.expected_sha256, sha256);
      return { key, sha256 };
    } catch (error) {
      await this.removeQuietly(key);
      // Wrong bytes: remove them, so that the client may PUT again while the URL is valid.
      if (error instanceof FilesError && error.code !== FilesErrorCode.UploadNotFound) await this.removeQuietly(source);
      throw error;
    }
  }

  /** Best effort: a leftover copy costs storage, never correctness (no row points at it). */
  private async removeQuietly(key: string): Promise<void> {
    await this.storage.delete(key).catch((error: Error) => this.logger.warn(`could not remove object ${key}: ${error.message}`));
  }

  /** The version, if its file is live; 404 otherwise. */
  private async liveVersion(
    manager: TenantManager,
    input: { workspaceId: string; fileId: string; versionId: string },
    options: { lock?: boolean } = {},
  ): Promise<VersionRow> {
    const file = await this.files.findFile(manager, input.workspaceId, input.fileId, options);
    if (!file || file.deleted_at) throw FilesError.fileNotFound(input.fileId);
    const version = await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId, options);
    if (!version) throw FilesError.versionNotFound(input.versionId);
    return version;
  }
}

/** Stores may append parameters (`; charset=...`) or change case. */
function sameContentType(stored: string | undefined, expected: string): boolean {
  return (stored ?? '').split(';')[0].trim().toLowerCase() === expected.toLowerCase();
}
