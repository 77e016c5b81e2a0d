import { Injectable } from '@nestjs/common';
import { DEFAULT_PLAN, isPlanId, type PlanId } from '@fpms/contracts';
import type { EntityManager } from 'typeorm';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** billing's copy of each account's plan (it decides the platform fee). No row → the free plan. */
@Injectable()
export class BillingAccountsRepository {
  async recordCreated(manager: TenantManager, accountId: string, plan: string): Promise<void> {
    await manager.query(`insert into billing_accounts (account_id, plan) values ($1, $2) on conflict (account_id) do nothing`, [
      accountId,
      isPlanId(plan) ? plan : DEFAULT_PLAN,
    ]);
  }

  /** The plan the account's subscription grants now (webhook processing, in the same transaction as its entitlements). */
  async setPlan(manager: EntityManager, accountId: string, plan: PlanId): Promise<void> {
    await manager.query(
      `insert into billing_accounts (account_id, plan) values ($1, $2)
       on conflict (account_id) do update set plan = excluded.plan, updated_at = now()`,
      [accountId, plan],
    );
  }

  /** Works on a tenant or the system manager: the release reads it on the system pool. */
  async planOf(manager: EntityManager, accountId: string): Promise<PlanId> {
    const rows: Array<{ plan: string }> = await manager.query(`select plan from billing_accounts where account_id = $1`, [accountId]);
    const plan = rows[0]?.plan;
    return isPlanId(plan) ? plan : DEFAULT_PLAN;
  }
}
