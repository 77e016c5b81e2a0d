import { WorkspaceAction } from '@fpms/auth/permissions';
import { MilestoneErrorCode } from '@fpms/contracts/errors';
import { MilestoneError } from './milestone.errors';
import {
  disputeResolution,
  billingTransition,
  MilestoneState,
  MoneyAmounts,
  NO_MONEY,
  timerTransition,
  USER_RULES,
  UserCommand,
  userTransition,
  visibleStatus,
  WORK_STATUSES,
  WorkStatus,
} from './milestone-state-machine';

const AMOUNT = 1_000;
const PAID: readonly WorkStatus[] = ['funded', 'submitted', 'changes_requested', 'approved', 'refund_requested'];
const state = (work: WorkStatus, extra: Partial<MilestoneState> = {}): MilestoneState => ({
  work,
  billing: 'escrow',
  disputeOpenedBy: null,
  orderStatus: PAID.includes(work) ? 'held' : null,
  money: PAID.includes(work) ? { ...NO_MONEY, charged: AMOUNT } : NO_MONEY,
  ...extra,
});
const money = (m: Partial<MoneyAmounts>): MoneyAmounts => ({ ...NO_MONEY, charged: AMOUNT, ...m });
const ALICE = 'alice';
const BOB = 'bob';

/**
 * Every (work status, command) cell with no freeze, spelled out: the target work status,
 * 'freeze' (the in-app dispute opens) or nothing for a 409. A change to the lifecycle must change this table.
 */
const USER: Record<UserCommand, Partial<Record<WorkStatus, WorkStatus | 'freeze'>>> = {
  propose: { draft: 'proposed' },
  decline: { proposed: 'draft' },
  accept: { proposed: 'accepted' },
  start_funding: { accepted: 'funding' },
  submit: { funded: 'submitted', changes_requested: 'submitted' },
  request_changes: { submitted: 'changes_requested' },
  approve: { submitted: 'approved' },
  cancel: { draft: 'cancelled', proposed: 'cancelled', accepted: 'cancelled' },
  request_refund: { funded: 'refund_requested', submitted: 'refund_requested', changes_requested: 'refund_requested' },
  open_dispute: { funded: 'freeze', submitted: 'freeze', changes_requested: 'freeze', refund_requested: 'freeze' },
  withdraw_dispute: {},
};

function expectRefused(fn: () => unknown, status: string, command: string) {
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
    const cells = (Object.keys(USER) as UserCommand[]).flatMap((command) => WORK_STATUSES.map((work) => [command, work] as const));

    it.each(cells)('%s from %s', (command, work) => {
      const expected = USER[command][work];
      const before = state(work);
      if (!expected) return expectRefused(() => userTransition(before, command, ALICE), visibleStatus(before), command);
      const t = userTransition(before, command, ALICE);
      if (expected === 'freeze') expect(t).toMatchObject({ from: work, to: 'disputed', after: { work, disputeOpenedBy: ALICE } });
      else expect(t).toMatchObject({ from: work, to: expected, after: { work: expected, disputeOpenedBy: null } });
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
        open_dispute: WorkspaceAction.DisputeMilestones,
        withdraw_dispute: WorkspaceAction.DisputeMilestones,
      });
    });

    it('a decided dispute lifts its freeze but keeps the milestone disputed, closed to every command, until the money follows', () => {
      const decided = disputeResolution(state('submitted', { disputeOpenedBy: ALICE, money: money({}) }), 'split').after;
      expect(decided).toMatchObject({ disputeOpenedBy: null, settlement: 'split' });
      expect(visibleStatus(decided)).toBe('disputed');
      for (const command of ['approve', 'request_changes', 'open_dispute', 'withdraw_dispute', 'request_refund'] as const)
        expect(() => userTransition(decided, command, ALICE)).toThrow(MilestoneError);
      expect(() => timerTransition(decided, 'auto_approve')).toThrow(MilestoneError);
      expect(visibleStatus({ ...decided, money: money({ released: 600, refunded: AMOUNT - 600 }) })).toBe('released');
      expect(visibleStatus({ ...decided, money: money({ refunded: AMOUNT }) })).toBe('refunded');
      expect(() => disputeResolution(decided, 'refund')).toThrow(MilestoneError);
    });

    it('an in-app dispute freezes everything but its withdrawal, by the member who opened it', () => {
      const disputed = state('submitted', { disputeOpenedBy: ALICE });
      expect(visibleStatus(disputed)).toBe('disputed');
      for (const command of Object.keys(USER) as UserCommand[]) {
        if (command !== 'withdraw_dispute') expectRefused(() => userTransition(disputed, command, ALICE), 'disputed', command);
      }
      expect(() => userTransition(disputed, 'withdraw_dispute', BOB)).toThrow(
        expect.objectContaining({ status: 403, code: MilestoneErrorCode.NotDisputeOpener }),
      );
      expect(userTransition(disputed, 'withdraw_dispute', ALICE)).toMatchObject({
        from: 'disputed',
        to: 'submitted',
        after: { work: 'submitted', disputeOpenedBy: null },
      });
    });

    it('withdrawing the in-app dispute does not lift a chargeback; an in-app dispute can be opened during one', () => {
      const both = state('submitted', { disputeOpenedBy: ALICE, money: money({ disputed: AMOUNT }) });
      const withdrawn = userTransition(both, 'withdraw_dispute', ALICE);
      expect(withdrawn.to).toBe('disputed');
      expectRefused(() => userTransition(withdrawn.after, 'approve', ALICE), 'disputed', 'approve');
      expectRefused(() => userTransition(withdrawn.after, 'withdraw_dispute', ALICE), 'disputed', 'withdraw_dispute');
      expect(userTransition(withdrawn.after, 'open_dispute', ALICE).after.disputeOpenedBy).toBe(ALICE);
    });

    it('refuses everything once the money is released or refunded', () => {
      for (const s of [
        state('approved', { money: money({ released: 900, platformFee: 100 }) }),
        state('funded', { money: money({ refunded: AMOUNT }) }),
      ]) {
        for (const command of Object.keys(USER) as UserCommand[])
          expectRefused(() => userTransition(s, command, ALICE), visibleStatus(s), command);
      }
    });
  });

  describe('review timer', () => {
    it.each(WORK_STATUSES.map((s) => [s]))('auto-approves only an unfrozen submitted milestone (from %s)', (work) => {
      if (work === 'submitted') expect(timerTransition(state(work), 'auto_approve')).toMatchObject({ from: 'submitted', to: 'approved' });
      else expectRefused(() => timerTransition(state(work), 'auto_approve'), visibleStatus(state(work)), 'auto_approve');
    });

    it('never auto-approves while an in-app dispute or a chargeback is open', () => {
      expectRefused(() => timerTransition(state('submitted', { disputeOpenedBy: ALICE }), 'auto_approve'), 'disputed', 'auto_approve');
      expectRefused(
        () => timerTransition(state('submitted', { money: money({ disputed: 300 }) }), 'auto_approve'),
        'disputed',
        'auto_approve',
      );
    });
  });

  describe('billing money state', () => {
    it('money arriving funds an accepted or funding milestone; a failed checkout returns it to accepted', () => {
      for (const work of ['accepted', 'funding'] as const) {
        expect(billingTransition(state(work), money({}), 'held')).toMatchObject({
          kind: 'apply',
          transition: { to: 'funded', after: { work: 'funded' } },
        });
      }
      expect(billingTransition(state('funding'), NO_MONEY, 'payment_failed')).toMatchObject({
        kind: 'apply',
        transition: { to: 'accepted' },
      });
      expect(billingTransition(state('submitted'), NO_MONEY, 'payment_failed')).toMatchObject({
        kind: 'apply',
        transition: { to: 'submitted' },
      });
      for (const work of ['draft', 'proposed', 'cancelled'] as const)
        expect(billingTransition(state(work), money({}), 'held')).toMatchObject({ kind: 'impossible' });
    });

    it('derives the status from the amounts, whatever came before', () => {
      const cases: Array<[WorkStatus, Partial<MoneyAmounts>, string]> = [
        ['approved', { released: 900, platformFee: 100 }, 'released'],
        ['funding', { released: 900, platformFee: 100 }, 'released'],
        ['approved', { released: 900, disputed: AMOUNT }, 'disputed'],
        ['funded', { refunded: 300 }, 'funded'],
        ['refund_requested', { refunded: AMOUNT }, 'refunded'],
        ['submitted', { disputed: 400 }, 'disputed'],
        ['submitted', { refunded: AMOUNT, disputed: 0 }, 'refunded'],
      ];
      for (const [work, m, expected] of cases) {
        const outcome = billingTransition(state(work), money(m), 'held');
        expect(outcome.kind === 'apply' && outcome.transition.to).toBe(expected);
      }
    });
  });

  describe('on-approval milestones (paid by the client after approval)', () => {
    const onApproval = (work: WorkStatus, extra: Partial<MilestoneState> = {}) =>
      state(work, { billing: 'on_approval', money: NO_MONEY, orderStatus: null, ...extra });

    it('are never funded and are submitted straight from accepted', () => {
      expectRefused(() => userTransition(onApproval('accepted'), 'start_funding', ALICE), 'accepted', 'start_funding');
      expect(userTransition(onApproval('accepted'), 'submit', ALICE)).toMatchObject({ from: 'accepted', to: 'submitted' });
      expect(userTransition(onApproval('submitted'), 'approve', BOB)).toMatchObject({ to: 'approved' });
      // An escrowed milestone still needs its money first.
      expectRefused(() => userTransition(state('accepted'), 'submit', ALICE), 'accepted', 'submit');
    });

    it('show released once paid; money changes no work status; a refund request only once paid', () => {
      const paid = { ...NO_MONEY, charged: AMOUNT, released: AMOUNT, platformFee: 50 };
      const outcome = billingTransition(onApproval('approved'), paid, 'released');
      expect(outcome).toMatchObject({ kind: 'apply', transition: { from: 'approved', to: 'released', after: { work: 'approved' } } });
      expectRefused(() => userTransition(onApproval('approved'), 'request_refund', BOB), 'approved', 'request_refund');
      expectRefused(() => userTransition(onApproval('submitted'), 'request_refund', BOB), 'submitted', 'request_refund');
      const asked = userTransition(onApproval('approved', { money: paid, orderStatus: 'released' }), 'request_refund', BOB);
      expect(asked).toMatchObject({ from: 'released', to: 'refund_requested' });
      const refunded = billingTransition(asked.after, { ...paid, released: 0, platformFee: 0, refunded: AMOUNT }, 'refunded');
      expect(refunded).toMatchObject({ kind: 'apply', transition: { to: 'refunded' } });
      // Escrow: a released milestone stays closed to refund requests.
      expectRefused(
        () => userTransition(state('approved', { money: paid, orderStatus: 'released' }), 'request_refund', BOB),
        'released',
        'request_refund',
      );
    });
  });
});
