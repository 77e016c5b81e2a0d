import { WorkspaceRef } from '../requests/addressed';
import {
  AcceptHourlyContractRequest,
  CreateTimeEntryRequest,
  ListTimeEntriesRequest,
  ProposeHourlyContractRequest,
  SetTimeZoneRequest,
  DisputeTimeEntryRequest,
  StartTimerRequest,
  TimeEntryRef,
  TimeWeekEntryRequest,
  TimeWeekRequest,
  TimeSummaryRequest,
  UpdateTimeEntryRequest,
} from '../requests/time-tracking.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export interface TimeEntryView {
  id: string;
  workspaceId: string;
  userId: string;
  startedAt: string;
  /** null while the timer runs. */
  endedAt: string | null;
  durationMinutes: number | null;
  /** The local day and the Monday of the week it counts in (account time zone); null while running. */
  day: string | null;
  weekStart: string | null;
  note: string | null;
  taskId: string | null;
  milestoneId: string | null;
  source: 'manual' | 'timer';
  /** Set once billing billed the entry's week: it no longer changes. */
  lockedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TimerView {
  running: TimeEntryView | null;
}

export interface TimerStoppedView {
  /** null: nothing was recorded (no time passed, or the week's cap was already used up). */
  entry: TimeEntryView | null;
  /** The weekly cap left less than the timer ran: the entry ends where the cap was reached. */
  clippedToCap: boolean;
}

/** A week's timesheet, from the read model: every total is the sum of the entries counted in it. */
export interface TimeSummaryView {
  week: string;
  weekStart: string;
  timeZone: string;
  totalMinutes: number;
  entries: number;
  days: Array<{ day: string; minutes: number }>;
  members: Array<{ userId: string; minutes: number; days: Array<{ day: string; minutes: number }> }>;
  tasks: Array<{ taskId: string | null; minutes: number }>;
  milestones: Array<{ milestoneId: string | null; minutes: number }>;
  weeklyCapHours: number | null;
}

export interface HourlyContractView {
  id: string;
  workspaceId: string;
  status: 'proposed' | 'active' | 'ended';
  rateMinor: number;
  currency: string;
  weeklyCapHours: number | null;
  proposedBy: string;
  proposedAt: string;
  acceptedBy: string | null;
  acceptedAt: string | null;
  endedBy: string | null;
  endedAt: string | null;
  /** The client's saved card (billing's setup-mode Checkout), shown as brand and last four digits; null until saved. */
  paymentMethod: { brand: string | null; last4: string | null } | null;
  version: number;
}

/**
 * A closed week of an hourly contract (Monday 00:00 to Monday 00:00, the account's time zone).
 * `status`: in_review (the client may accept or dispute until `reviewDueAt`), approved (its
 * batches went to billing), payment_failed (a batch's charge failed: new time is refused),
 * paid (every batch paid).
 */
export interface TimeWeekView {
  id: string;
  workspaceId: string;
  contractId: string;
  weekStart: string;
  timeZone: string;
  status: 'in_review' | 'approved' | 'payment_failed' | 'paid';
  closedAt: string;
  reviewDueAt: string;
  approvedAt: string | null;
  approvedBy: 'client' | 'review_lapsed' | null;
  entryCount: number;
  totalSeconds: number;
  batches: Array<{
    batch: number;
    approvedBy: 'client' | 'review_lapsed' | 'dispute_settled';
    billableSeconds: number;
    entryCount: number;
    payment: 'pending' | 'failed' | 'paid';
    declineCode: string | null;
    willRetryAt: string | null;
    paidAt: string | null;
  }>;
}

/** An entry of a closed week: `review` is where it stands in the client's review. */
export interface TimeWeekEntryView extends TimeEntryView {
  /** in_review: not approved yet; approved: in `batch`; disputed: held out; dropped: conceded or lost, never billed. */
  review: 'in_review' | 'approved' | 'disputed' | 'dropped';
  batch: number | null;
  dispute: TimeEntryDisputeView | null;
}

export interface TimeEntryDisputeView {
  entryId: string;
  reason: string;
  disputedBy: string;
  disputedAt: string;
  respondBy: string;
  /** open; withdrawn (by the client: billable); conceded (by the freelancer's owner: dropped); lapsed (unanswered by respondBy: dropped). */
  status: 'open' | 'withdrawn' | 'conceded' | 'lapsed';
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface TimeWeekDetailView extends TimeWeekView {
  entries: TimeWeekEntryView[];
}

export const TimeTrackingRpc = {
  createEntry: rpcPattern<TimeEntryView>()(queue, 'workspace.time.entries.create', CreateTimeEntryRequest),
  listEntries: rpcPattern<{ items: TimeEntryView[]; nextBefore: string | null }>()(
    queue,
    'workspace.time.entries.list',
    ListTimeEntriesRequest,
  ),
  updateEntry: rpcPattern<TimeEntryView>()(queue, 'workspace.time.entries.update', UpdateTimeEntryRequest),
  removeEntry: rpcPattern<{ removed: true }>()(queue, 'workspace.time.entries.remove', TimeEntryRef),
  summary: rpcPattern<TimeSummaryView>()(queue, 'workspace.time.summary', TimeSummaryRequest),
  getTimer: rpcPattern<TimerView>()(queue, 'workspace.time.timer.get', WorkspaceRef),
  startTimer: rpcPattern<TimeEntryView>()(queue, 'workspace.time.timer.start', StartTimerRequest),
  stopTimer: rpcPattern<TimerStoppedView>()(queue, 'workspace.time.timer.stop', WorkspaceRef),
  getContract: rpcPattern<HourlyContractView>()(queue, 'workspace.time.contract.get', WorkspaceRef),
  proposeContract: rpcPattern<HourlyContractView>()(queue, 'workspace.time.contract.propose', ProposeHourlyContractRequest),
  acceptContract: rpcPattern<HourlyContractView>()(queue, 'workspace.time.contract.accept', AcceptHourlyContractRequest),
  endContract: rpcPattern<HourlyContractView>()(queue, 'workspace.time.contract.end', WorkspaceRef),
  setTimeZone: rpcPattern<{ timeZone: string }>()(queue, 'workspace.time.time-zone.set', SetTimeZoneRequest),
  listWeeks: rpcPattern<{ items: TimeWeekView[] }>()(queue, 'workspace.time.weeks.list', WorkspaceRef),
  getWeek: rpcPattern<TimeWeekDetailView>()(queue, 'workspace.time.weeks.get', TimeWeekRequest),
  acceptWeek: rpcPattern<TimeWeekDetailView>()(queue, 'workspace.time.weeks.accept', TimeWeekRequest),
  disputeEntry: rpcPattern<TimeWeekDetailView>()(queue, 'workspace.time.weeks.dispute', DisputeTimeEntryRequest),
  withdrawDispute: rpcPattern<TimeWeekDetailView>()(queue, 'workspace.time.weeks.withdraw-dispute', TimeWeekEntryRequest),
  concedeDispute: rpcPattern<TimeWeekDetailView>()(queue, 'workspace.time.weeks.concede-dispute', TimeWeekEntryRequest),
} as const;
