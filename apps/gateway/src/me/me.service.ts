import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MyWorkspaceView, ThreadsRpc, UnreadSummaryView, WorkspaceRpc } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AppError } from '@fpms/common/errors/app-error';
import { Principal, rpcContextFor } from '../auth/principal';
import { UsersRepository } from '../auth/users.repository';

export interface MeView {
  user: { id: string; email: string; name: string; isPlatformAdmin: boolean; createdAt: string };
  accounts: Array<{ accountId: string; role: string }>;
  workspaces: MyWorkspaceView[];
  /** Unread messages: the total and per workspace; null while the messaging service does not answer. */
  unread: UnreadSummaryView | null;
}

@Injectable()
export class MeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: TenantTransactions,
    private readonly users: UsersRepository,
    private readonly rpc: RpcClient,
  ) {}

  async get(principal: Principal, requestId: string): Promise<MeView> {
    const user = await this.users.findById(this.db.manager, principal.userId);
    if (!user) throw AppError.unauthorized('This user no longer exists');
    const [memberships, workspaces, unread] = await Promise.all([
      this.tx.runForUser({ userId: user.id }, (m) => this.users.listMemberships(m, user.id)),
      this.rpc.call(WorkspaceRpc.listWorkspaces, {}, rpcContextFor(principal, requestId)),
      // Unread counts are a convenience: /me still answers (with `unread: null`) while messaging is away.
      this.rpc.call(ThreadsRpc.unreadSummary, {}, rpcContextFor(principal, requestId)).catch(() => null),
    ]);
    // Only workspaces the user is a member of now (a just-removed member's row lingers until the event lands).
    const current = new Set(workspaces.items.map((w) => w.id));
    const unreadHere = unread?.workspaces.filter((w) => current.has(w.workspaceId));
    return {
      user: {
        id: user.id,
        email: user.email,
        name: user.displayName,
        isPlatformAdmin: user.isPlatformAdmin,
        createdAt: user.createdAt.toISOString(),
      },
      accounts: memberships.map((m) => ({ accountId: m.accountId, role: m.role })),
      workspaces: workspaces.items,
      unread: unreadHere ? { total: unreadHere.reduce((n, w) => n + w.unread, 0), workspaces: unreadHere } : null,
    };
  }
}
