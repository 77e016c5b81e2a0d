import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { TimeTotalsRepository } from './time-totals.repository';
import { TimeTrackingError } from './time-tracking.errors';
import { TimeWeeksRepository } from './time-weeks.repository';

/**
 * The active hourly contract's weekly cap: what the client agreed to pay for at most in one
 * week, so it bounds the workspace's hours that week, all members together. The contract
 * row is locked first, so two entries written at once in one capped workspace are counted
 * one after the other and cannot both slip under the cap.
 */
@Injectable()
export class WeeklyCap {
  constructor(
    private readonly contracts: HourlyContractsRepository,
    private readonly totals: TimeTotalsRepository,
    private readonly weeks: TimeWeeksRepository,
  ) {}

  /**
   * New time on a contract with an unpaid week (billing reported its charge failed and not
   * yet paid) is refused: the client is not to run up hours it does not pay for.
   */
  async assertPaidUp(manager: TenantManager, workspaceId: string): Promise<void> {
    const contract = await this.contracts.current(manager, workspaceId);
    if (!contract || contract.status !== 'active') return;
    const unpaid = await this.weeks.unpaidWeek(manager, contract.id);
    if (unpaid) throw TimeTrackingError.weekUnpaid(unpaid);
  }

  /** Seconds still allowed that week (null: no cap), under the contract's lock. */
  async remainingSeconds(
    manager: TenantManager,
    workspaceId: string,
    weekStart: string,
  ): Promise<{ capHours: number; usedSeconds: number; remaining: number } | null> {
    const contract = await this.contracts.current(manager, workspaceId, true);
    if (!contract || contract.status !== 'active' || contract.weekly_cap_hours === null) return null;
    const usedSeconds = await this.totals.weekSeconds(manager, workspaceId, weekStart);
    return { capHours: contract.weekly_cap_hours, usedSeconds, remaining: contract.weekly_cap_hours * 3600 - usedSeconds };
  }

  /**
   * Refuses `seconds` more that week (`replacing`: what the entry being edited already counts
   * there). An edit that does not add time passes even over a cap.
   */
  async assertFits(manager: TenantManager, workspaceId: string, weekStart: string, seconds: number, replacing = 0): Promise<void> {
    if (seconds <= replacing) return;
    const cap = await this.remainingSeconds(manager, workspaceId, weekStart);
    if (cap && seconds - replacing > cap.remaining)
      throw TimeTrackingError.weeklyCapExceeded({
        weekStart,
        weeklyCapHours: cap.capHours,
        loggedMinutes: Math.round((cap.usedSeconds - replacing) / 60),
        requestedMinutes: Math.round(seconds / 60),
      });
  }
}
