import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { WorkspaceGrant, WorkspaceRpc } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient, VerifiedRpc } from '@fpms/messaging';

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

  /** A transaction on the files database for a grant already obtained. */
  inTenant<T>(caller: VerifiedRpc<unknown>, grant: WorkspaceGrant, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.tx.run({ accountId: grant.accountId, workspaceId: grant.workspaceId, userId: caller.userId }, work);
  }

  async run<T>(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    action: WorkspaceAction,
    work: (manager: EntityManager, grant: WorkspaceGrant) => Promise<T>,
    fileVersionId?: string,
  ): Promise<T> {
    const grant = await this.authorize(caller, workspaceId, action, fileVersionId);
    return this.inTenant(caller, grant, (manager) => work(manager, grant));
  }
}
