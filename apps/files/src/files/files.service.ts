import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { DownloadView, FileDetailView, FilesEvents, FileVersionView, FileView } from '@fpms/contracts';
import { OutboxWriter, VerifiedRpc } from '@fpms/messaging';
import { FilesAccess } from '../access/files-access';
import { Clock } from '@fpms/common/scheduling/clock';
import { FilesEnv, FILES_ENV } from '../config';
import { StorageUsageRepository } from '../quota/storage-usage.repository';
import { ObjectStorage } from '../storage/object-storage';
import { toFileDetailView, toFileView, toVersionView } from './file-rows';
import { FilesError } from './files.errors';
import { FilesRepository } from './files.repository';
import { PinsRepository } from '../pins/pins.repository';
import { BillingDocumentsRepository } from '../documents/billing-documents.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

type Scoped = { workspaceId: string; fileId: string };

@Injectable()
export class FilesService {
  private readonly logger = new Logger(FilesService.name);

  constructor(
    private readonly access: FilesAccess,
    private readonly files: FilesRepository,
    private readonly pins: PinsRepository,
    private readonly usage: StorageUsageRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    private readonly documents: BillingDocumentsRepository,
    @Inject(Clock) private readonly clock: Clock,
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
    // The version id also lets a former client in, for exactly a deliverable they paid for.
    return this.access.run(
      caller,
      input.workspaceId,
      WorkspaceAction.ReadFiles,
      async (manager) => {
        const file = await this.files.findFile(manager, input.workspaceId, input.fileId);
        if (!file || file.deleted_at) throw FilesError.fileNotFound(input.fileId);
        const version = input.versionId
          ? await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId)
          : await this.files.latestReadyVersion(manager, input.workspaceId, input.fileId);
        if (!version) throw FilesError.versionNotFound(input.versionId);
        if (version.status !== 'ready') throw FilesError.versionNotReady();
        const ttl = this.env.S3_PRESIGN_GET_TTL_SECONDS;
        const url = await this.storage.presignGet(version.storage_key, {
          fileName: version.name,
          contentType: version.content_type,
          expiresInSeconds: ttl,
        });
        return { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), version: toVersionView(version) };
      },
      input.versionId,
    );
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
        await this.outbox.add(manager, {
          type: FilesEvents.fileDeleted,
          tenant: { accountId: grant.accountId, workspaceId: grant.workspaceId },
          aggregateId: input.fileId,
          aggregateVersion: revision,
          requestId: caller.requestId,
          data: {
            fileId: input.fileId,
            workspaceId: grant.workspaceId,
            deletedBy: caller.userId,
            restorableUntil: purgeAfter.toISOString(),
          },
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
        await this.outbox.add(manager, {
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

  /**
   * Pins a ready version. Idempotent; the first pin's details stay. With `submission`, the
   * provisional pin of a milestone submission (taken inside the workspace's transaction):
   * the milestone's next event settles it, `releaseSubmissionPin` undoes it.
   */
  pin(
    caller: VerifiedRpc<unknown>,
    input: {
      workspaceId: string;
      fileId?: string;
      versionId: string;
      pinnedFor?: string;
      submission?: { milestoneId: string; milestoneVersion: number };
    },
  ): Promise<FileVersionView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.PinFiles, async (manager, grant) => {
      if (input.submission) await this.pins.lockMilestone(manager, input.submission.milestoneId);
      const fileId = input.fileId ?? (await this.files.fileIdOfVersion(manager, input.workspaceId, input.versionId));
      if (!fileId) throw FilesError.versionNotFound(input.versionId);
      const file = await this.files.findFile(manager, input.workspaceId, fileId, { lock: true });
      if (!file || file.deleted_at) throw FilesError.fileNotFound(fileId);
      const version = await this.files.findVersion(manager, input.workspaceId, fileId, input.versionId, { lock: true });
      if (!version) throw FilesError.versionNotFound(input.versionId);
      if (version.status !== 'ready') throw FilesError.versionNotReady();
      const common = {
        accountId: grant.accountId,
        workspaceId: grant.workspaceId,
        versionId: version.id,
        by: caller.userId,
        at: this.clock.now(),
      };
      if (input.submission) await this.pins.addSubmission(manager, { ...common, ...input.submission });
      else await this.pins.addManual(manager, { ...common, pinnedFor: input.pinnedFor ?? null });
      await this.pins.refreshSummary(manager, [version.id]);
      return toVersionView((await this.files.findVersion(manager, input.workspaceId, fileId, input.versionId))!);
    });
  }

  /** The workspace's compensation when the submission's transaction failed: that provisional pin goes. Idempotent. */
  releaseSubmissionPin(
    caller: VerifiedRpc<unknown>,
    input: { workspaceId: string; versionId: string; milestoneId: string; milestoneVersion: number },
  ): Promise<{ released: boolean }> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.PinFiles, async (manager) => {
      const fileId = await this.files.fileIdOfVersion(manager, input.workspaceId, input.versionId);
      if (!fileId) return { released: false };
      await this.files.findFile(manager, input.workspaceId, fileId, { lock: true });
      const released = await this.pins.releaseSubmission(manager, input);
      await this.pins.refreshSummary(manager, [input.versionId]);
      return { released };
    });
  }

  /**
   * Removes the manual pin of a version no milestone needs. 409 while a milestone's
   * committed state references it. A submission's provisional pin is settled here if it
   * can be: the workspace service says what the milestone references now; a submission
   * still at its starting version after the grace period never committed.
   */
  async unpin(caller: VerifiedRpc<unknown>, input: Scoped & { versionId: string }): Promise<FileVersionView> {
    const grant = await this.access.authorize(caller, input.workspaceId, WorkspaceAction.PinFiles);
    const pending = await this.access.inTenant(caller, grant, async (manager) => {
      await this.requireVersion(manager, input);
      // An issued invoice's PDF stays pinned for good.
      if (await this.documents.isDocument(manager, input.versionId)) throw FilesError.versionPinned();
      return this.pins.unresolvedSubmissions(manager, input.versionId);
    });
    // Asked outside any transaction of ours; each answer is a snapshot with its version, applied like an event.
    const answers = await Promise.all(
      pending.map(async (p) => ({ pin: p, milestone: await this.access.milestone(caller, input.workspaceId, p.milestone_id) })),
    );
    // Settling commits even when the answer is 409: what was learned stays learned.
    const outcome = await this.access.inTenant(
      caller,
      grant,
      async (manager): Promise<{ refused: FilesError } | { view: FileVersionView }> => {
        for (const id of [...new Set(answers.map((a) => a.pin.milestone_id))].sort()) await this.pins.lockMilestone(manager, id);
        await this.requireVersion(manager, input, { lock: true });
        const graceMs = this.env.FILES_SUBMISSION_PIN_GRACE_SECONDS * 1000;
        const changed: string[] = [input.versionId];
        for (const { pin, milestone } of answers) {
          const settled = { versionId: pin.version_id, milestoneId: pin.milestone_id, milestoneVersion: pin.milestone_version };
          if (milestone && milestone.version > pin.milestone_version) {
            const state = { milestoneId: milestone.id, accountId: grant.accountId, workspaceId: grant.workspaceId, actorUserId: null };
            changed.push(
              ...(await this.pins.applyMilestoneState(manager, {
                ...state,
                versionId: milestone.deliverableFileVersionId,
                milestoneVersion: milestone.version,
              })),
            );
            // The milestone moved past the submission's start: its state (now applied) decides, not this pin.
            await this.pins.releaseSubmission(manager, settled);
          } else if (!milestone || this.clock.now().getTime() - new Date(pin.pinned_at).getTime() >= graceMs) {
            await this.pins.releaseSubmission(manager, settled);
          }
        }
        const needing = await this.pins.milestonesNeeding(manager, input.versionId);
        const unsettled = await this.pins.unresolvedSubmissions(manager, input.versionId);
        if (!needing.length && !unsettled.length) await this.pins.removeManual(manager, input.versionId);
        await this.pins.refreshSummary(manager, changed);
        if (needing.length) return { refused: FilesError.versionNeeded('milestone', needing) };
        if (unsettled.length)
          return { refused: FilesError.versionNeeded('submission', [...new Set(unsettled.map((p) => p.milestone_id))]) };
        return { view: toVersionView((await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId))!) };
      },
    );
    if ('refused' in outcome) throw outcome.refused;
    return outcome.view;
  }

  private async requireVersion(manager: TenantManager, input: Scoped & { versionId: string }, options: { lock?: boolean } = {}) {
    const file = await this.files.findFile(manager, input.workspaceId, input.fileId, options);
    if (!file || file.deleted_at) throw FilesError.fileNotFound(input.fileId);
    const version = await this.files.findVersion(manager, input.workspaceId, input.fileId, input.versionId, options);
    if (!version) throw FilesError.versionNotFound(input.versionId);
    return version;
  }
}
