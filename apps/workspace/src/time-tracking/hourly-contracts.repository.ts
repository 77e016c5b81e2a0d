import { Injectable } from '@nestjs/common';
import { HourlyContractView } from '@fpms/contracts';
import { isUniqueViolation } from '@fpms/database/postgres-errors';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import { TimeTrackingError } from './time-tracking.errors';

export interface HourlyContractRow {
  id: string;
  account_id: string;
  workspace_id: string;
  status: 'proposed' | 'active' | 'ended';
  rate_minor: string;
  currency: string;
  weekly_cap_hours: number | null;
  proposed_by: string;
  proposed_at: Date;
  accepted_by: string | null;
  accepted_at: Date | null;
  ended_by: string | null;
  ended_at: Date | null;
  payment_method_brand: string | null;
  payment_method_last4: string | null;
  payment_method_saved_at: Date | null;
  version: number;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toHourlyContractView(r: HourlyContractRow): HourlyContractView {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    status: r.status,
    rateMinor: Number(r.rate_minor),
    currency: r.currency,
    weeklyCapHours: r.weekly_cap_hours,
    proposedBy: r.proposed_by,
    proposedAt: iso(r.proposed_at)!,
    acceptedBy: r.accepted_by,
    acceptedAt: iso(r.accepted_at),
    endedBy: r.ended_by,
    endedAt: iso(r.ended_at),
    paymentMethod: r.payment_method_saved_at ? { brand: r.payment_method_brand, last4: r.payment_method_last4 } : null,
    version: r.version,
  };
}

const COLUMNS = `id, account_id, workspace_id, status, rate_minor::text, currency, weekly_cap_hours, proposed_by, proposed_at,
  accepted_by, accepted_at, ended_by, ended_at, payment_method_brand, payment_method_last4, payment_method_saved_at, version`;

/** SQL for hourly contracts (RLS: the caller's tenant transaction); at most one proposed or active per workspace. */
@Injectable()
export class HourlyContractsRepository {
  /** The workspace's proposed or active contract, if any. */
  async current(manager: TenantManager, workspaceId: string, lock = false): Promise<HourlyContractRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from hourly_contracts where workspace_id = $1 and status <> 'ended' ${lock ? 'for update' : ''}`,
      [workspaceId],
    );
    return row ?? null;
  }

  async insert(
    manager: TenantManager,
    c: {
      id: string;
      accountId: string;
      workspaceId: string;
      rateMinor: number;
      currency: string;
      weeklyCapHours: number | null;
      by: string;
      now: Date;
    },
  ): Promise<HourlyContractRow> {
    try {
      const [row] = await manager.query(
        `insert into hourly_contracts (id, account_id, workspace_id, status, rate_minor, currency, weekly_cap_hours, proposed_by, proposed_at)
         values ($1, $2, $3, 'proposed', $4, $5, $6, $7, $8) returning ${COLUMNS}`,
        [c.id, c.accountId, c.workspaceId, c.rateMinor, c.currency, c.weeklyCapHours, c.by, c.now],
      );
      return row;
    } catch (error) {
      // A concurrent proposal won the workspace's one open slot.
      if (isUniqueViolation(error, 'hourly_contracts_one_open')) throw TimeTrackingError.contractExists('proposed');
      throw error;
    }
  }

  async find(manager: TenantManager, id: string, lock = false): Promise<HourlyContractRow | null> {
    const [row] = await manager.query(`select ${COLUMNS} from hourly_contracts where id = $1 ${lock ? 'for update' : ''}`, [id]);
    return row ?? null;
  }

  /** The contract that covered a week: the one accepted last among those active at some point in it. */
  async forWeek(manager: TenantManager, workspaceId: string, weekStart: string, lock = false): Promise<HourlyContractRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from hourly_contracts c
        where workspace_id = $1 and accepted_at is not null
          and accepted_at < (($2::date + 7)::timestamp at time zone (select time_zone from accounts a where a.id = c.account_id))
          and (ended_at is null or ended_at >= ($2::date::timestamp at time zone (select time_zone from accounts a where a.id = c.account_id)))
        order by accepted_at desc limit 1 ${lock ? 'for update' : ''}`,
      [workspaceId, weekStart],
    );
    return row ?? null;
  }

  /**
   * The next version of the contract's event stream: every event about the contract (its
   * terms and its weeks) carries the contract id as aggregate and a version that increases.
   */
  async nextEventVersion(manager: TenantManager, id: string): Promise<number> {
    const [[row]] = await manager.query(`update hourly_contracts set version = version + 1 where id = $1 returning version`, [id]);
    return row.version;
  }

  async savePaymentMethod(manager: TenantManager, id: string, pm: { brand: string | null; last4: string | null; savedAt: Date }) {
    const { affected } = await writeQuery(
      manager,
      `update hourly_contracts set payment_method_brand = $2, payment_method_last4 = $3, payment_method_saved_at = $4
        where id = $1 and (payment_method_saved_at is null or payment_method_saved_at <= $4)`,
      [id, pm.brand, pm.last4, pm.savedAt],
    );
    return affected > 0;
  }

  async activate(manager: TenantManager, id: string, by: string, now: Date): Promise<HourlyContractRow> {
    const [[row]] = await manager.query(
      `update hourly_contracts set status = 'active', accepted_by = $2, accepted_at = $3, version = version + 1 where id = $1 returning ${COLUMNS}`,
      [id, by, now],
    );
    return row;
  }

  async end(manager: TenantManager, id: string, by: string, now: Date): Promise<HourlyContractRow> {
    const [[row]] = await manager.query(
      `update hourly_contracts set status = 'ended', ended_by = $2, ended_at = $3, version = version + 1 where id = $1 returning ${COLUMNS}`,
      [id, by, now],
    );
    return row;
  }
}
