import { Injectable } from '@nestjs/common';
import { PlanId } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** The local projection of each account's plan; the tenant transaction's RLS scopes it. */
@Injectable()
export class AccountPlansRepository {
  async find(manager: TenantManager, accountId: string): Promise<PlanId | null> {
    const [row] = await manager.query(`select plan from account_plans where account_id = $1`, [accountId]);
    return row ? (row.plan as PlanId) : null;
  }

  /** First sight of an account: record its plan unless a plan change already arrived (version 0 loses to any). */
  async insertIfAbsent(manager: TenantManager, accountId: string, plan: PlanId): Promise<void> {
    await manager.query(
      `insert into account_plans (account_id, plan, plan_version) values ($1, $2, 0) on conflict (account_id) do nothing`,
      [accountId, plan],
    );
  }

  /** Applies a plan change unless a newer one was already applied (events may arrive out of order). */
  async applyChange(manager: TenantManager, accountId: string, plan: PlanId, version: number): Promise<void> {
    await manager.query(
      `insert into account_plans (account_id, plan, plan_version) values ($1, $2, $3)
       on conflict (account_id) do update set plan = excluded.plan, plan_version = excluded.plan_version, updated_at = now()
       where account_plans.plan_version < excluded.plan_version`,
      [accountId, plan, version],
    );
  }
}
