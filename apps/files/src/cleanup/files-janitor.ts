import { Inject, Injectable, Logger } from '@nestjs/common';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FilesEvents } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { OutboxWriter } from '@fpms/messaging';
import { Clock } from '@fpms/common/scheduling/clock';
import { FilesEnv, FILES_ENV } from '../config';
import { VersionRow } from '../files/file-rows';
import { CrossTenantCleanupRepository, PurgeableFile } from './cross-tenant-cleanup.repository';
import { ObjectStorage } from '../storage/object-storage';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { PersonalDataArchivesService } from '../personal-data/personal-data-archives.service';

const BATCH = 20;

/**
 * Periodic cleanup, cross-tenant by nature (system pool): pending uploads past their
 * expiry give their reservation back, and deleted files past the restore window are
 * purged (objects, rows, usage), staging objects go once their upload URLs expired, and
 * personal-data export archives once their download period is over.
 * Safe with any number of replicas: each file is taken with FOR UPDATE SKIP LOCKED, so two replicas never work on the same one and requests
 * holding a file's lock are simply skipped until the next round.
 */
@Injectable()
export class FilesJanitor extends ScheduledJob<JanitorRound> {
  private readonly logger = new Logger(FilesJanitor.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly cleanup: CrossTenantCleanupRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    private readonly archives: PersonalDataArchivesService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(FILES_ENV) env: FilesEnv,
  ) {
    super(FilesJanitor.name, env.FILES_CLEANUP_INTERVAL_SECONDS * 1000);
  }

  /** One full round; returns what it did. */
  protected async round(): Promise<JanitorRound> {
    let expiredUploads = 0;
    let purgedFiles = 0;
    let sweptStaging = 0;
    for (;;) {
      const n = await this.expireBatch();
      expiredUploads += n;
      if (n === 0) break;
    }
    for (;;) {
      const n = await this.purgeBatch();
      purgedFiles += n;
      if (n < BATCH) break;
    }
    for (;;) {
      const n = await this.sweepStagingBatch();
      sweptStaging += n;
      if (n < BATCH) break;
    }
    let expiredArchives = 0;
    for (;;) {
      const n = await this.archives.expireBatch(BATCH);
      expiredArchives += n;
      if (n < BATCH) break;
    }
    return { expiredUploads, purgedFiles, sweptStaging, expiredArchives };
  }

  /**
   * Staging objects whose upload URLs have all expired: completed, abandoned or deleted
   * versions alike. Nothing can be PUT there any more, so removing the object is final.
   */
  private sweepStagingBatch(): Promise<number> {
    const now = this.clock.now();
    return systemTransaction(this.system, async (manager) => {
      const keys = await this.cleanup.claimExpiredStaging(manager, now, BATCH);
      for (const key of keys) {
        await this.storage.delete(key);
        await this.cleanup.forgetStaging(manager, key);
      }
      return keys.length;
    });
  }

  /** Abandoned uploads: file lock first (as requests take it), then its expired versions. */
  private expireBatch(): Promise<number> {
    const now = this.clock.now();
    return systemTransaction(this.system, async (manager) => {
      const fileIds = await this.cleanup.claimFilesWithExpiredUploads(manager, now, BATCH);
      let expired = 0;
      for (const id of fileIds) {
        const versions = await this.cleanup.deleteExpiredPendingVersions(manager, id, now);
        for (const v of versions) {
          await this.removeObject(v);
          await this.cleanup.releaseUsage(manager, v.account_id, { reserved: Number(v.size_bytes) });
        }
        await this.cleanup.deleteFileIfEmpty(manager, id);
        expired += versions.length;
      }
      return expired;
    });
  }

  private purgeBatch(): Promise<number> {
    const now = this.clock.now();
    return systemTransaction(this.system, async (manager) => {
      const files = await this.cleanup.claimFilesPastRestoreWindow(manager, now, BATCH);
      for (const file of files) await this.purge(manager, file);
      return files.length;
    });
  }

  private async purge(manager: SystemManager, file: PurgeableFile): Promise<void> {
    const versions = await this.cleanup.deleteFileWithVersions(manager, file.id);
    let used = 0;
    let reserved = 0;
    for (const v of versions) {
      await this.removeObject(v);
      if (v.status === 'ready') used += Number(v.size_bytes);
      else reserved += Number(v.size_bytes);
    }
    await this.cleanup.releaseUsage(manager, file.account_id, { used, reserved });
    await this.outbox.add(manager, {
      type: FilesEvents.filePurged,
      tenant: { accountId: file.account_id, workspaceId: file.workspace_id },
      aggregateId: file.id,
      aggregateVersion: file.revision + 1,
      data: { fileId: file.id, workspaceId: file.workspace_id, versionIds: versions.map((v) => v.id) },
    });
  }

  /** Before the rows go: if the store fails, the transaction rolls back and the next round retries. */
  private async removeObject(v: VersionRow): Promise<void> {
    const uploadKey = v.staging_key ?? v.storage_key;
    if (v.multipart_upload_id) await this.storage.abortMultipartUpload(uploadKey, v.multipart_upload_id);
    if (v.staging_key) await this.storage.delete(v.staging_key);
    await this.storage.delete(v.storage_key);
  }
}

export interface JanitorRound {
  expiredUploads: number;
  purgedFiles: number;
  /** Staging objects removed after their upload URLs expired. */
  sweptStaging: number;
  /** Personal-data export archives deleted after their 7 days. */
  expiredArchives: number;
}
