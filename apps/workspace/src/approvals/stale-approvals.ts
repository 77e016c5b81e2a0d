import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { MilestoneState, UserCommand, userTransition } from '../milestones/milestone-state-machine';
import { ApprovalRecords } from './approval-events';
import { ApprovalRequestsRepository } from './approval-requests.repository';
import { approvalTransition, COMMAND_OF } from './approval-state-machine';

/** Whether `command` could still run once the milestone's freezes lift (a freeze pauses a request, it does not end it). */
function stillPossible(state: MilestoneState, command: UserCommand): boolean {
  try {
    userTransition({ ...state, disputeOpenedBy: null, money: { ...state.money, disputed: 0 } }, command, '');
    return true;
  } catch {
    return false;
  }
}

/**
 * After every milestone transition: open requests whose action can no longer happen (the
 * review timer approved it, a refund closed it, the requester's side moved it on) end as
 * `superseded`, so nobody is asked to sign off on what cannot be done any more.
 */
@Injectable()
export class StaleApprovals {
  constructor(
    private readonly requests: ApprovalRequestsRepository,
    private readonly records: ApprovalRecords,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async supersede(manager: TenantManager, milestoneId: string, state: MilestoneState): Promise<void> {
    const open = await this.requests.openForMilestone(manager, milestoneId);
    for (const row of open) {
      if (stillPossible(state, COMMAND_OF[row.action])) continue;
      const now = this.clock.now();
      const reason = `The milestone is ${state.work.replace(/_/g, ' ')} now`;
      await this.requests.log(manager, row, { event: 'superseded', gate: row.current_gate, userId: null, reason, at: now });
      const superseded = await this.requests.close(manager, row.id, approvalTransition(row.status, 'supersede'), reason, now);
      await this.records.activityEntry(manager, superseded, 'approval.superseded', { actorUserId: null, gate: row.current_gate, reason });
    }
  }
}
