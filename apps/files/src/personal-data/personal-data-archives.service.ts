import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PersonalDataArchiveUrlView, PersonalDataArchiveView } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { FILES_ENV, FilesEnv } from '../config';
import { ObjectStorage } from '../storage/object-storage';
import { archiveEntryName, archiveStorageKey } from './archive-entry-name';
import { ArchiveRow, PersonalDataArchivesRepository } from './personal-data-archives.repository';
import { PersonalDataError } from './personal-data.errors';
import { ZipArchive } from './zip-archive';

/**
 * The uploads one archive carries at most (a ZIP without ZIP64 ends at 4 GiB, and the
 * archive is assembled in memory): files beyond it are listed in `files/uploads.json`
 * with `included: false`, so the user knows what to download from the workspace instead.
 */
export const ARCHIVE_MAX_UPLOAD_BYTES = 1024 ** 3;

interface Caller {
  userId: string;
}

/**
 * The files service's part of a personal-data export (issue 18 part 4): it receives the
 * JSON documents every other service gave the gateway, adds the user's own uploads
 * (metadata and bytes, which only this service can read), and stores the ZIP until its
 * expiry. Building is idempotent per export id: a retried job gets the stored archive.
 */
@Injectable()
export class PersonalDataArchivesService {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly repo: PersonalDataArchivesRepository,
    private readonly storage: ObjectStorage,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(FILES_ENV) private readonly env: FilesEnv,
  ) {}

  async build(
    caller: Caller,
    input: { exportId: string; expiresAt: string; sections: Record<string, unknown> },
  ): Promise<PersonalDataArchiveView> {
    const existing = await this.repo.find(this.system.manager, input.exportId);
    if (existing) {
      if (existing.userId !== caller.userId) throw PersonalDataError.archiveNotFound(input.exportId);
      return toView(existing);
    }
    const uploads = await this.repo.ownUploads(this.system.manager, caller.userId);
    const zip = new ZipArchive();
    zip.addText('README.txt', README);
    for (const [name, value] of Object.entries(input.sections).sort(([a], [b]) => a.localeCompare(b))) {
      zip.addJson(safeSectionName(name), value);
    }
    let included = 0;
    let budget = ARCHIVE_MAX_UPLOAD_BYTES;
    const manifest = [];
    for (const upload of uploads) {
      const path = archiveEntryName(upload);
      const fits = upload.sizeBytes <= budget;
      if (fits) {
        await zip.addStream(path, await this.storage.read(upload.storageKey));
        budget -= upload.sizeBytes;
        included++;
      }
      const { storageKey: _key, ...metadata } = upload;
      manifest.push({ ...metadata, path: fits ? path : null, included: fits });
    }
    zip.addJson('files/uploads.json', manifest);
    const bytes = await zip.finish();
    const row: ArchiveRow = {
      exportId: input.exportId,
      userId: caller.userId,
      storageKey: archiveStorageKey(caller.userId, input.exportId),
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      files: included,
      expiresAt: new Date(input.expiresAt),
    };
    // Object first: a row never names bytes that are not there. A crash between the two
    // leaves an object the retried build overwrites (same key).
    await this.storage.put(row.storageKey, bytes, 'application/zip');
    await systemTransaction(this.system, (m) => this.repo.save(m, row));
    return toView(row);
  }

  async downloadUrl(caller: Caller, exportId: string): Promise<PersonalDataArchiveUrlView> {
    const row = await this.repo.find(this.system.manager, exportId);
    if (!row || row.userId !== caller.userId || row.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw PersonalDataError.archiveNotFound(exportId);
    }
    const ttl = this.env.S3_PRESIGN_GET_TTL_SECONDS;
    const url = await this.storage.presignGet(row.storageKey, {
      fileName: `fpms-export-${exportId}.zip`,
      contentType: 'application/zip',
      expiresInSeconds: ttl,
    });
    return { url, expiresAt: new Date(this.clock.now().getTime() + ttl * 1000).toISOString() };
  }

  /** The user's archives go with their account (gateway.user.erased): objects, then rows. */
  async eraseUser(userId: string): Promise<number> {
    return systemTransaction(this.system, async (m) => this.deleteAll(m, await this.repo.ofUser(m, userId)));
  }

  /** One round of the janitor: archives past their 7 days are deleted (objects, then rows). */
  async expireBatch(limit: number): Promise<number> {
    return systemTransaction(this.system, async (m) => this.deleteAll(m, await this.repo.claimExpired(m, this.clock.now(), limit)));
  }

  /** Objects first, then rows: if the store fails, the transaction rolls back and a later round retries. */
  private async deleteAll(manager: SystemManager, archives: ArchiveRow[]): Promise<number> {
    for (const a of archives) {
      await this.storage.delete(a.storageKey);
      await this.repo.delete(manager, a.exportId);
    }
    return archives.length;
  }
}

const README = `Your FPMS data export.

Each folder holds what one part of FPMS keeps about you, as JSON:
  gateway/    your sign-in profile, sessions and security settings
  workspace/  your memberships, and the tasks, milestones, approvals and activity that are yours
  messaging/  the messages you wrote, your notifications, read state and email preferences
  billing/    your payments, the invoices addressed to you, refunds, and your account's payouts
  files/      the files you uploaded (uploads.json lists them, with the version and checksum)

Other people's messages and files are not included: ask them, or download them from the workspace.
`;

/** Section names come from our services; still, one name is one entry inside the archive. */
function safeSectionName(name: string): string {
  if (!/^[a-z-]+\/[a-z0-9-]+\.json$/.test(name)) throw new Error(`unexpected export section name ${name}`);
  return name;
}

function toView(row: ArchiveRow): PersonalDataArchiveView {
  return {
    exportId: row.exportId,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    files: row.files,
    expiresAt: row.expiresAt.toISOString(),
  };
}
