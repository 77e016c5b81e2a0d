import { WorkspaceAction } from '@fpms/auth/permissions';
import { MilestoneError, MilestoneErrorCode } from './milestone.errors';
import {
  BillingCommand,
  billingTransition,
  MILESTONE_STATUSES,
  MilestoneStatus,
  timerTransition,
  USER_RULES,
  UserCommand,
  userTransition,
} from './milestone-state-machine';

/**
 * Every (status, command) cell, spelled out: the target status, or '409' for a forbidden
 * transition. A change to the lifecycle must change this table.
 */
const USER: Record<UserCommand, Partial<Record<MilestoneStatus, MilestoneStatus>>> = {
  propose: { draft: 'proposed' },
  decline: { proposed: 'draft' },
  accept: { proposed: 'accepted' },
  start_funding: { accepted: 'funding' },
  submit: { funded: 'submitted', changes_requested: 'submitted' },
  request_changes: { submitted: 'changes_requested' },
  approve: { submitted: 'approved' },
  cancel: { draft: 'cancelled', proposed: 'cancelled', accepted: 'cancelled' },
  request_refund: { funded: 'refund_requested', submitted: 'refund_requested', changes_requested: 'refund_requested' },
  open_dispute: { funded: 'disputed', submitted: 'disputed', changes_requested: 'disputed', refund_requested: 'disputed' },
  // resumes to the status before the dispute (given as resumeStatus below)
  withdraw_dispute: { disputed: 'submitted' },
};

type Outcome = MilestoneStatus | 'already' | 'impossible';
const BILLING: Record<BillingCommand, Record<MilestoneStatus, Outcome>> = {
  funded: {
    draft: 'impossible', proposed: 'impossible', accepted: 'funded', funding: 'funded', funded: 'already', submitted: 'already',
    changes_requested: 'already', approved: 'already', released: 'already', cancelled: 'impossible', refund_requested: 'already',
    refunded: 'already', disputed: 'already',
  },
  payment_failed: {
    draft: 'already', proposed: 'already', accepted: 'already', funding: 'accepted', funded: 'already', submitted: 'already',
    changes_requested: 'already', approved: 'already', released: 'already', cancelled: 'already', refund_requested: 'already',
    refunded: 'already', disputed: 'already',
  },
  released: {
    draft: 'impossible', proposed: 'impossible', accepted: 'impossible', funding: 'impossible', funded: 'impossible', submitted: 'impossible',
    changes_requested: 'impossible', approved: 'released', released: 'already', cancelled: 'impossible', refund_requested: 'impossible',
    refunded: 'impossible', disputed: 'released',
  },
  refunded: {
    draft: 'impossible', proposed: 'impossible', accepted: 'impossible', funding: 'impossible', funded: 'refunded', submitted: 'refunded',
    changes_requested: 'refunded', approved: 'refunded', released: 'refunded', cancelled: 'impossible', refund_requested: 'refunded',
    refunded: 'already', disputed: 'refunded',
  },
  disputed: {
    draft: 'impossible', proposed: 'impossible', accepted: 'impossible', funding: 'impossible', funded: 'disputed', submitted: 'disputed',
    changes_requested: 'disputed', approved: 'disputed', released: 'disputed', cancelled: 'impossible', refund_requested: 'disputed',
    refunded: 'already', disputed: 'already',
  },
  dispute_won: {
    draft: 'already', proposed: 'already', accepted: 'already', funding: 'already', funded: 'already', submitted: 'already',
    changes_requested: 'already', approved: 'already', released: 'already', cancelled: 'already', refund_requested: 'already',
    refunded: 'already', disputed: 'approved',
  },
  dispute_lost: {
    draft: 'impossible', proposed: 'impossible', accepted: 'impossible', funding: 'impossible', funded: 'impossible', submitted: 'impossible',
    changes_requested: 'impossible', approved: 'impossible', released: 'impossible', cancelled: 'impossible', refund_requested: 'impossible',
    refunded: 'already', disputed: 'refunded',
  },
};

function expectConflict(fn: () => unknown, status: string, command: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MilestoneError);
    expect(error).toMatchObject({ status: 409, code: MilestoneErrorCode.InvalidTransition, details: { status, command } });
    return;
  }
  throw new Error(`${command} from ${status} should have been refused`);
}

describe('milestone state machine', () => {
  describe('member commands', () => {
    const cells = (Object.keys(USER) as UserCommand[]).flatMap((command) => MILESTONE_STATUSES.map((status) => [command, status] as const));

    it.each(cells)('%s from %s', (command, status) => {
      const expected = USER[command][status];
      const resume = status === 'disputed' ? 'submitted' : null;
      if (expected) {
        const t = userTransition(status, command, resume);
        expect(t).toEqual({ from: status, to: expected, resumeStatus: expected === 'disputed' ? status : null });
      } else {
        expectConflict(() => userTransition(status, command, resume), status, command);
      }
    });

    it('names who may do each command (freelancer proposes and submits, client decides and funds)', () => {
      const actions = Object.fromEntries(Object.entries(USER_RULES).map(([c, r]) => [c, r.action]));
      expect(actions).toEqual({
        propose: WorkspaceAction.ManageMilestones,
        decline: WorkspaceAction.DecideMilestones,
        accept: WorkspaceAction.DecideMilestones,
        start_funding: WorkspaceAction.FundMilestones,
        submit: WorkspaceAction.ManageMilestones,
        request_changes: WorkspaceAction.DecideMilestones,
        approve: WorkspaceAction.DecideMilestones,
        cancel: WorkspaceAction.ManageMilestones,
        request_refund: WorkspaceAction.DecideMilestones,
        open_dispute: WorkspaceAction.DecideMilestones,
        withdraw_dispute: WorkspaceAction.DecideMilestones,
      });
    });

    it('withdrawing a dispute returns to where it was opened from', () => {
      for (const resume of ['funded', 'changes_requested', 'refund_requested', 'submitted'] as const) {
        expect(userTransition('disputed', 'withdraw_dispute', resume)).toEqual({ from: 'disputed', to: resume, resumeStatus: null });
      }
      expectConflict(() => userTransition('disputed', 'withdraw_dispute', null), 'disputed', 'withdraw_dispute');
      expectConflict(() => userTransition('disputed', 'withdraw_dispute', 'draft'), 'disputed', 'withdraw_dispute');
    });

    it('never lets a member move money states (funded, released, refunded)', () => {
      for (const rule of Object.values(USER_RULES)) expect(['funded', 'released', 'refunded']).not.toContain(rule.to);
    });
  });

  describe('review timer', () => {
    it.each(MILESTONE_STATUSES.map((s) => [s]))('auto-approves only a submitted milestone (from %s)', (status) => {
      if (status === 'submitted') expect(timerTransition(status, 'auto_approve')).toEqual({ from: 'submitted', to: 'approved', resumeStatus: null });
      else expectConflict(() => timerTransition(status, 'auto_approve'), status, 'auto_approve');
    });
  });

  describe('billing facts', () => {
    const cells = (Object.keys(BILLING) as BillingCommand[]).flatMap((command) => MILESTONE_STATUSES.map((status) => [command, status] as const));

    it.each(cells)('%s while %s', (command, status) => {
      const expected = BILLING[command][status];
      const outcome = billingTransition(status, command, status === 'disputed' ? 'approved' : null);
      if (expected === 'already' || expected === 'impossible') expect(outcome).toEqual({ kind: expected });
      else expect(outcome).toEqual({ kind: 'apply', transition: { from: status, to: expected, resumeStatus: expected === 'disputed' ? status : null } });
    });
  });
});
