import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import { EntryDisputedData, TimesheetEvents, WeekApprovedData, WeekClosedData } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { TimeWeekRow } from './time-weeks.repository';

type Payload =
  | { type: typeof TimesheetEvents.weekClosed; data: WeekClosedData }
  | { type: typeof TimesheetEvents.weekApproved; data: WeekApprovedData }
  | { type: typeof TimesheetEvents.entryDisputed; data: EntryDisputedData };

/** The weekly cycle's outbox events: the contract is the aggregate, its version increases with each. */
@Injectable()
export class TimeWeekEvents {
  constructor(
    private readonly contracts: HourlyContractsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** What every week event names: the contract, the workspace and the week. */
  ref(week: TimeWeekRow) {
    return {
      contractId: week.contract_id,
      workspaceId: week.workspace_id,
      accountId: week.account_id,
      weekStart: week.week_start,
      timeZone: week.time_zone,
    };
  }

  async publish(manager: TenantManager, week: TimeWeekRow, event: Payload, requestId?: string): Promise<void> {
    // The union of the three payloads: each type with its own data (the writer checks the schema too).
    await this.outbox.add(manager, {
      type: event.type,
      tenant: { accountId: week.account_id, workspaceId: week.workspace_id },
      aggregateId: week.contract_id,
      aggregateVersion: await this.contracts.nextEventVersion(manager, week.contract_id),
      requestId,
      occurredAt: this.clock.now().toISOString(),
      data: event.data,
    } as Parameters<OutboxWriter['add']>[1]);
  }
}
