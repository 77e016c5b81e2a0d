import { WorkspaceRef } from '../requests/addressed';
import {
  AcceptHourlyContractRequest,
  CreateTimeEntryRequest,
  ListTimeEntriesRequest,
  ProposeHourlyContractRequest,
  SetTimeZoneRequest,
  StartTimerRequest,
  TimeEntryRef,
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
  version: number;
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
} as const;
