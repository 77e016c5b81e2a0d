import { Injectable } from '@nestjs/common';
import type { EventEnvelope, FileVersionReadyData } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * The file name of each version the files service reported ready (files.version.ready), kept
 * per account and version id: a milestone event names its deliverable by version id only, and
 * a chargeback's evidence should name the file the client received. Read with the activity
 * (CrossTenantMilestoneActivityRepository joins it), never asked of the files service.
 */
@Injectable()
export class FileVersionNamesRepository {
  async record(manager: TenantManager, event: EventEnvelope<FileVersionReadyData>): Promise<void> {
    const d = event.data;
    // A version's name is fixed once it is ready: a redelivery changes nothing.
    await manager.query(
      `insert into file_version_names (account_id, version_id, workspace_id, file_id, name, event_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (account_id, version_id) do nothing`,
      [event.tenant.accountId, d.versionId, d.workspaceId, d.fileId, d.name, event.id],
    );
  }
}
