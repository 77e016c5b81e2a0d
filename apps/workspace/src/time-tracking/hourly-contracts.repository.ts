import { Injectable } from '@nestjs/common';
import { HourlyContractView } from '@fpms/contracts';
import { isUniqueViolation } from '@fpms/database/postgres-errors';
import type { TenantManager } from '@fpms/database/tenant-manager';
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
    version: r.version,
  };
}

const COLUMNS = `id, account_id, workspace_id, status, rate_minor::text, currency, weekly_cap_hours, proposed_by, proposed_at,
  accepted_by, accepted_at, ended_by, ended_at, version`;

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
