import { Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { MilestonesRpc, MilestoneView, WorkspaceGrant, WorkspaceRpc } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient, VerifiedRpc } from '@fpms/messaging';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * The gate of every file operation. Membership and roles live in the workspace service,
 * so it asks there (`workspace.access.authorize`, forwarding the caller's own token):
 * 404 for a non-member or unknown workspace, 403 for a role without the action, exactly
 * as the one permission matrix says. Then the work runs in a transaction on the files
 * database scoped (RLS) to the tenant the workspace service answered.
 */
@Injectable()
export class FilesAccess {
  constructor(
    private readonly rpc: RpcClient,
    private readonly tx: TenantTransactions,
  ) {}

  /** `fileVersionId`: the version being read, so a former client can get the deliverable they paid for. */
  authorize(caller: VerifiedRpc<unknown>, workspaceId: string, action: WorkspaceAction, fileVersionId?: string): Promise<WorkspaceGrant> {
    return this.rpc.call(
      WorkspaceRpc.authorize,
      { workspaceId, action, fileVersionId },
      { requestId: caller.requestId, userId: caller.userId, accountId: caller.accountId, workspaceId, token: caller.token },
    );
  }

  /**
   * A milestone as the workspace service has it now (committed), asked with the caller's
   * token; null if it is not there for them. Used to settle a submission's provisional pin.
   */
  async milestone(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string): Promise<MilestoneView | null> {
    try {
      return await this.rpc.call(
        MilestonesRpc.get,
        { workspaceId, milestoneId },
        { requestId: caller.requestId, userId: caller.userId, accountId: caller.accountId, workspaceId, token: caller.token },
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }
  }

  /** A transaction on the files database for a grant already obtained. */
  inTenant<T>(caller: VerifiedRpc<unknown>, grant: WorkspaceGrant, work: (manager: TenantManager) => Promise<T>): Promise<T> {
    return this.tx.run({ accountId: grant.accountId, workspaceId: grant.workspaceId, userId: caller.userId }, work);
  }

  async run<T>(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    action: WorkspaceAction,
    work: (manager: TenantManager, grant: WorkspaceGrant) => Promise<T>,
    fileVersionId?: string,
  ): Promise<T> {
    const grant = await this.authorize(caller, workspaceId, action, fileVersionId);
    return this.inTenant(caller, grant, (manager) => work(manager, grant));
  }
}
