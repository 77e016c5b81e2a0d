import { Injectable } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { AddDisputeEvidenceBody, FilesRpc } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { Actor } from '../access/actor';
import { DisputeError } from './dispute.errors';
import { DisputesRepository } from './disputes.repository';

/**
 * Checks evidence references before they are stored. File versions: asked of the files
 * service as the caller (their own read access applies), each must be a ready version of a
 * file in this workspace — a foreign, missing or unfinished one is 422. Activity entries:
 * this workspace's. Message ids are not checked yet: messaging keeps no messages until
 * issue 16, so they are stored as references and checked once it does.
 */
@Injectable()
export class EvidenceChecker {
  constructor(
    private readonly rpc: RpcClient,
    private readonly disputes: DisputesRepository,
  ) {}

  async checkFiles(actor: Actor, workspaceId: string, fileVersions: AddDisputeEvidenceBody['fileVersions'] = []): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const ref of fileVersions) byFile.set(ref.fileId, [...(byFile.get(ref.fileId) ?? []), ref.versionId]);
    for (const [fileId, versionIds] of byFile) {
      let versions: Array<{ id: string; status: string }>;
      try {
        const file = await this.rpc.call(
          FilesRpc.getFile,
          { workspaceId, fileId },
          { requestId: actor.requestId, userId: actor.userId, accountId: actor.accountId, workspaceId, token: actor.token },
        );
        versions = file.versions;
      } catch (error) {
        // The files service's refusals (not found, not this workspace's) are the evidence's fault; outages propagate.
        if (error instanceof AppError && error.status >= 400 && error.status < 500)
          throw DisputeError.evidenceRejected('fileVersion', versionIds[0], `file ${fileId} is not a file of this workspace`);
        throw error;
      }
      for (const versionId of versionIds) {
        const version = versions.find((v) => v.id === versionId);
        if (!version)
          throw DisputeError.evidenceRejected('fileVersion', versionId, `version ${versionId} is not a version of file ${fileId}`);
        if (version.status !== 'ready')
          throw DisputeError.evidenceRejected('fileVersion', versionId, `version ${versionId} is not uploaded yet`);
      }
    }
  }

  async checkActivity(manager: TenantManager, workspaceId: string, activityIds: string[] = []): Promise<void> {
    const found = await this.disputes.existingActivityIds(manager, workspaceId, activityIds);
    const missing = activityIds.find((id) => !found.has(id));
    if (missing) throw DisputeError.evidenceRejected('activity', missing, `activity entry ${missing} is not in this workspace`);
  }
}
