import { Injectable } from '@nestjs/common';
import { sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { FilesRpc, MessageAttachmentView, RpcContext, WorkspaceGrant, WorkspaceRpc } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { RpcClient, VerifiedRpc } from '@fpms/messaging';
import { ThreadError } from './threads.errors';

export interface ThreadGrant extends WorkspaceGrant {
  /** Freelancer side: sees (and may post) internal notes. */
  seesInternal: boolean;
}

const contextOf = (caller: VerifiedRpc<unknown>, workspaceId: string): RpcContext => ({
  requestId: caller.requestId,
  userId: caller.userId,
  accountId: caller.accountId,
  workspaceId,
  token: caller.token,
});

/**
 * The gate of every thread operation, as files and billing do it: the workspace service
 * answers membership and role live (`workspace.access.authorize` with the caller's own
 * token: 404 for a non-member, 403 for a role without the action), so a removal takes
 * effect on the next request. Then the work runs on the messaging database scoped (RLS)
 * to the tenant the workspace service answered.
 */
@Injectable()
export class ThreadAccess {
  constructor(
    private readonly rpc: RpcClient,
    private readonly tx: TenantTransactions,
  ) {}

  async authorize(caller: VerifiedRpc<unknown>, workspaceId: string, action: WorkspaceAction): Promise<ThreadGrant> {
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action }, contextOf(caller, workspaceId));
    return { ...grant, seesInternal: grant.role !== 'former_client' && sideOf(grant.role as WorkspaceRole) === 'freelancer' };
  }

  inTenant<T>(caller: VerifiedRpc<unknown>, grant: ThreadGrant, work: (manager: TenantManager) => Promise<T>): Promise<T> {
    return this.tx.run({ accountId: grant.accountId, workspaceId: grant.workspaceId, userId: caller.userId }, work);
  }

  async run<T>(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    action: WorkspaceAction,
    work: (manager: TenantManager, grant: ThreadGrant) => Promise<T>,
  ): Promise<T> {
    const grant = await this.authorize(caller, workspaceId, action);
    return this.inTenant(caller, grant, (manager) => work(manager, grant));
  }

  /**
   * Each attachment must be a ready version of a live file of this workspace, as the files
   * service (asked with the caller's token) has it; anything else is 422, whatever the
   * reason (another workspace's file looks the same as no file).
   */
  async attachments(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    refs: ReadonlyArray<{ fileId: string; versionId: string }>,
  ): Promise<MessageAttachmentView[]> {
    const found: MessageAttachmentView[] = [];
    for (const ref of refs) {
      const file = await this.rpc.call(FilesRpc.getFile, { workspaceId, fileId: ref.fileId }, contextOf(caller, workspaceId)).catch((e) => {
        if ((e as { status?: number }).status === 404) return null;
        throw e;
      });
      if (!file) throw ThreadError.attachmentInvalid(ref.fileId, ref.versionId, 'not_found');
      if (file.deletedAt) throw ThreadError.attachmentInvalid(ref.fileId, ref.versionId, 'deleted');
      const version = file.versions.find((v) => v.id === ref.versionId);
      if (!version) throw ThreadError.attachmentInvalid(ref.fileId, ref.versionId, 'not_found');
      if (version.status !== 'ready') throw ThreadError.attachmentInvalid(ref.fileId, ref.versionId, 'not_ready');
      found.push({ fileId: file.id, versionId: version.id, name: version.name, size: version.size, contentType: version.contentType });
    }
    return found;
  }
}
