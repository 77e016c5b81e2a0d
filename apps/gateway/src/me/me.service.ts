import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AccountStandingView,
  DEFAULT_PLAN,
  EntitlementsRpc,
  MyWorkspaceView,
  ThreadsRpc,
  UnreadSummaryView,
  WorkspaceRpc,
} from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AppError } from '@fpms/common/errors/app-error';
import { Principal, rpcContextFor } from '../auth/principal';
import { UsersRepository } from '../auth/users.repository';
import { AccountSecurityRepository } from '../security/account-security.repository';

export interface MeView {
  user: {
    id: string;
    email: string;
    name: string;
    isPlatformAdmin: boolean;
    createdAt: string;
    /** Money actions wait for it (issue 18). */
    emailVerified: boolean;
    twoFactorEnabled: boolean;
  };
  /** Each with its plan and standing (`past_due` with `locksAt`: show a banner). */
  accounts: Array<{ accountId: string; role: string } & Omit<AccountStandingView, 'accountId'>>;
  workspaces: MyWorkspaceView[];
  /** Unread messages: the total and per workspace; null while the messaging service does not answer. */
  unread: UnreadSummaryView | null;
  /**
   * The plan and standing of every account the user works for on the freelancer side
   * (their own, and those they collaborate in): what a banner needs. Clients see none.
   */
  accountStandings: AccountStandingView[];
}

@Injectable()
export class MeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tx: TenantTransactions,
    private readonly users: UsersRepository,
    private readonly rpc: RpcClient,
    private readonly security: AccountSecurityRepository,
  ) {}

  async get(principal: Principal, requestId: string): Promise<MeView> {
    const user = await this.users.findById(this.db.manager, principal.userId);
    if (!user) throw AppError.unauthorized('This user no longer exists');
    const ctx = rpcContextFor(principal, requestId);
    const [security, memberships, workspaces, standings, unread] = await Promise.all([
      this.security.standing(this.db.manager, user.id),
      this.tx.runForUser({ userId: user.id }, (m) => this.users.listMemberships(m, user.id)),
      this.rpc.call(WorkspaceRpc.listWorkspaces, {}, ctx),
      this.rpc.call(EntitlementsRpc.accountStandings, {}, ctx),
      // Unread counts are a convenience: /me still answers (with `unread: null`) while messaging is away.
      this.rpc.call(ThreadsRpc.unreadSummary, {}, ctx).catch(() => null),
    ]);
    const standingOf = new Map(standings.items.map((s) => [s.accountId, s]));
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
        emailVerified: security?.emailVerified ?? false,
        twoFactorEnabled: security?.twoFactorEnabled ?? false,
      },
      accounts: memberships.map((m) => {
        const standing = standingOf.get(m.accountId);
        return {
          accountId: m.accountId,
          role: m.role,
          plan: standing?.plan ?? DEFAULT_PLAN,
          standing: standing?.standing ?? 'active',
          pastDueSince: standing?.pastDueSince ?? null,
          locksAt: standing?.locksAt ?? null,
        };
      }),
      workspaces: workspaces.items,
      unread: unreadHere ? { total: unreadHere.reduce((n, w) => n + w.unread, 0), workspaces: unreadHere } : null,
      accountStandings: standings.items,
    };
  }
}
