import { Injectable } from '@nestjs/common';
import { EntitlementsChangedData, Entitlements, PlanFeature, PlanId, PlanLimits } from '@fpms/contracts';
import type { AccountStanding } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

interface EntitlementsRow {
  version: string;
  plan: PlanId;
  standing: AccountStanding;
  limits: PlanLimits;
  features: PlanFeature[];
  platform_fee_bps: number;
  past_due_since: Date | null;
  locks_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** SQL for `account_entitlements`, inside a transaction scoped to the account (RLS applies). */
@Injectable()
export class EntitlementsRepository {
  /** The projected entitlements, or null when billing has published none for the account yet. */
  async find(manager: TenantManager, accountId: string): Promise<Entitlements | null> {
    const [row]: EntitlementsRow[] = await manager.query(
      `select version, plan, standing, limits, features, platform_fee_bps, past_due_since, locks_at
         from account_entitlements where account_id = $1`,
      [accountId],
    );
    if (!row) return null;
    return {
      plan: row.plan,
      standing: row.standing,
      limits: row.limits,
      features: row.features,
      platformFeeBps: row.platform_fee_bps,
      pastDueSince: iso(row.past_due_since),
      locksAt: iso(row.locks_at),
      version: Number(row.version),
    };
  }

  /**
   * Stores `data` at `version` unless a newer or equal version is already stored (events
   * arrive in any order; an older one changes nothing). True when this version was applied.
   */
  async apply(manager: TenantManager, data: EntitlementsChangedData, version: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into account_entitlements as e
              (account_id, version, plan, standing, limits, features, platform_fee_bps, past_due_since, locks_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (account_id) do update set
              version = excluded.version, plan = excluded.plan, standing = excluded.standing, limits = excluded.limits,
              features = excluded.features, platform_fee_bps = excluded.platform_fee_bps,
              past_due_since = excluded.past_due_since, locks_at = excluded.locks_at, updated_at = now()
        where e.version < excluded.version
       returning account_id`,
      [
        data.accountId,
        version,
        data.plan,
        data.standing,
        JSON.stringify(data.limits),
        data.features,
        data.platformFeeBps,
        data.pastDueSince,
        data.locksAt,
      ],
    );
    return rows.length > 0;
  }
}
