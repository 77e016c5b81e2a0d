import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { CreatedUploadView, FileDetailView, FilesEvents, FileVersionReadyData, planLimits, UploadInstructions, WorkspaceGrant } from '@fpms/contracts';
import { idempotent } from '@fpms/database/idempotency';
import { OutboxWriter, VerifiedRpc } from '@fpms/messaging';
import { FilesAccess } from '../access/files-access';
import { Clock, CLOCK } from '../clock';
import { FilesEnv, FILES_ENV } from '../config';
import { toFileDetailView, toFileView, toVersionView, VersionRow } from '../files/file-rows';
import { FilesError } from '../files/files.errors';
import { FilesRepository } from '../files/files.repository';
import { AccountPlansRepository } from '../plans/account-plans.repository';
import { StorageUsageRepository } from '../quota/storage-usage.repository';
import { ObjectStorage } from '../storage/object-storage';
import { storageKey } from '../storage/storage-key';
import { assertContentTypeAllowed, maxFileSize, multipartLayout } from './upload-policy';

interface UploadRequest {
  name: string;
  size: number;
  contentType: string;
}

/**
 * Uploads without our services touching the bytes: reserve quota and record a pending
 * version in one transaction, hand out presigned URLs, and mark the version ready only
 * once the object store confirms an object of exactly the announced size.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly access: FilesAccess,
    private readonly files: FilesRepository,
    private readonly plans: AccountPlansRepository,
    private readonly usage: StorageUsageRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(FILES_ENV) private readonly env: FilesEnv,
  ) {}

  /** A new file with its first version, pending. */
  async createUpload(caller: VerifiedRpc<unknown>, workspaceId: string, input: UploadRequest): Promise<CreatedUploadView> {
    const grant = await this.access.authorize(caller, workspaceId, WorkspaceAction.UploadFiles);
    const fileId = randomUUID();
    return this.startVersion(caller, grant, fileId, input, async (manager, now) => {
      await this.files.insertFile(manager, { id: fileId, accountId: grant.accountId, workspaceId, name: input.name, createdBy: caller.userId, createdAt: now });
    });
  }

  /** Another version of an existing, live file. */
  async createVersion(caller: VerifiedRpc<unknown>, workspaceId: string, fileId: string, input: Omit<UploadRequest, 'name'> & { name?: string }): Promise<CreatedUploadView> {
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
    input: UploadRequest,
    prepareFile: (manager: EntityManager, now: Date) => Promise<void>,
  ): Promise<CreatedUploadView> {
    assertContentTypeAllowed(input.contentType, this.env.FILES_ALLOWED_CONTENT_TYPES);
    if (input.size > this.env.FILES_MAX_SIZE_BYTES) throw FilesError.fileTooLarge(input.size, this.env.FILES_MAX_SIZE_BYTES);
    const versionId = randomUUID();
    const key = storageKey({ accountId: grant.accountId, workspaceId: grant.workspaceId, fileId, versionId });
    const multipart = input.size >= this.env.FILES_MULTIPART_THRESHOLD_BYTES;
    const uploadId = multipart ? await this.storage.createMultipartUpload(key, input.contentType) : null;
    const now = this.clock.now();
    const uploadExpiresAt = new Date(now.getTime() + this.env.FILES_UPLOAD_EXPIRY_MINUTES * 60_000);
    try {
      const created = await this.access.inTenant(caller, grant, idempotent(caller, async (manager) => {
        const plan = await this.plans.find(manager, grant.accountId);
        const maxBytes = maxFileSize(plan, this.env.FILES_MAX_SIZE_BYTES);
        if (input.size > maxBytes) throw FilesError.fileTooLarge(input.size, maxBytes);
        await prepareFile(manager, now);
        const quotaBytes = planLimits(plan).storageQuotaBytes;
        if (!(await this.usage.reserve(manager, grant.accountId, input.size, quotaBytes))) {
          const current = await this.usage.find(manager, grant.accountId);
          throw FilesError.quotaExceeded({ size: input.size, quotaBytes, ...current, plan: plan ?? 'free' });
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
          storageKey: key,
          multipartUploadId: uploadId,
          uploadExpiresAt,
          createdBy: caller.userId,
          createdAt: now,
        });
        const file = (await this.files.findFile(manager, grant.workspaceId, fileId))!;
        const version = (await this.files.findVersion(manager, grant.workspaceId, fileId, versionId))!;
        const latest = await this.files.latestReadyVersion(manager, grant.workspaceId, fileId);
        return { file: toFileView(file, latest), version };
      }));
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
    if (!version.multipart_upload_id) {
      const url = await this.storage.presignPut(version.storage_key, { size, contentType: version.content_type, expiresInSeconds: ttl });
      return { method: 'PUT', url, headers: { 'Content-Type': version.content_type, 'Content-Length': String(size) }, expiresAt };
    }
    const layout = multipartLayout(size, this.env.FILES_MULTIPART_PART_SIZE_BYTES);
    const parts = await Promise.all(
      layout.map(async (part) => ({
        ...part,
        url: await this.storage.presignUploadPart(version.storage_key, {
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
   * version answers the file again. The object store is asked outside any transaction;
   * the state change then re-checks the version under its row lock.
   */
  async complete(
    caller: VerifiedRpc<unknown>,
    input: { workspaceId: string; fileId: string; versionId: string; parts?: Array<{ partNumber: number; etag: string }> },
  ): Promise<FileDetailView> {
    const grant = await this.access.authorize(caller, input.workspaceId, WorkspaceAction.UploadFiles);
    const version = await this.access.inTenant(caller, grant, (manager) => this.liveVersion(manager, input));
    if (version.status === 'pending') {
      if (version.upload_expires_at.getTime() <= this.clock.now().getTime()) throw FilesError.uploadExpired();
      if (version.multipart_upload_id) {
        if (!input.parts?.length) throw FilesError.uploadIncomplete('send the ETag of every part');
        await this.storage.completeMultipartUpload(version.storage_key, version.multipart_upload_id, input.parts).catch((error: Error) => {
          throw FilesError.uploadIncomplete(error.name === 'NoSuchUpload' ? 'unknown or already completed upload' : error.name || 'rejected by storage');
        });
      }
      const stored = await this.storage.head(version.storage_key);
      if (!stored) throw FilesError.uploadNotFound();
      const expectedSize = Number(version.size_bytes);
      if (stored.size !== expectedSize || !sameContentType(stored.contentType, version.content_type)) {
        // Remove the wrong object: the client may PUT again while the URL is valid.
        await this.storage.delete(version.storage_key);
        if (stored.size !== expectedSize) throw FilesError.sizeMismatch(expectedSize, stored.size);
        throw FilesError.contentTypeMismatch(version.content_type, stored.contentType);
      }
    }
    return this.access.inTenant(caller, grant, async (manager) => {
      const locked = await this.liveVersion(manager, input, { lock: true });
      if (locked.status === 'pending') {
        const now = this.clock.now();
        if (locked.upload_expires_at.getTime() <= now.getTime()) throw FilesError.uploadExpired();
        await this.files.markReady(manager, locked.id, now);
        await this.usage.commitReservation(manager, grant.accountId, Number(locked.size_bytes));
        const revision = await this.files.bumpRevision(manager, input.fileId);
        await this.outbox.add<FileVersionReadyData>(manager, {
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
      return toFileDetailView(file, await this.files.listVersions(manager, input.workspaceId, input.fileId));
    });
  }

  /** The version, if its file is live; 404 otherwise. */
  private async liveVersion(manager: EntityManager, input: { workspaceId: string; fileId: string; versionId: string }, options: { lock?: boolean } = {}): Promise<VersionRow> {
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
