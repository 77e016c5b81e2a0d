import { Injectable } from '@nestjs/common';
import { FREELANCER_SIDE_ROLES } from '@fpms/auth/permissions';
import { AccountStandingView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { EntitlementsReader } from '@fpms/platform/entitlements';
import { Actor } from '../access/actor';

/** The plan and standing `GET /me` shows: a banner for the owner and collaborators, nothing for clients. */
@Injectable()
export class AccountStandingsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly entitlements: EntitlementsReader,
  ) {}

  async list(actor: Actor): Promise<{ items: AccountStandingView[] }> {
    // The user reads their own memberships across tenants (RLS: their own rows only).
    const rows: Array<{ account_id: string }> = await this.tx.runForUser({ userId: actor.userId }, (m) =>
      m.query(`select distinct account_id from workspace_members where user_id = $1 and role = any($2)`, [
        actor.userId,
        FREELANCER_SIDE_ROLES,
      ]),
    );
    const accountIds = [...new Set([...(actor.accountId ? [actor.accountId] : []), ...rows.map((r) => r.account_id)])];
    const items = await Promise.all(
      accountIds.map((accountId) =>
        this.tx.run({ accountId }, async (manager) => {
          const e = await this.entitlements.forAccount(manager, accountId);
          return { accountId, plan: e.plan, standing: e.standing, pastDueSince: e.pastDueSince, locksAt: e.locksAt };
        }),
      ),
    );
    return { items };
  }
}
