import { MilestoneStatus, CLOSED_STATUSES, DUE_TRACKED_STATUSES, MILESTONE_STATUSES } from '../milestones/milestone-state-machine';

/**
 * What one milestone or task adds to the dashboards, as a pure function of its current
 * facts. Incremental updates apply (after − before) on every change; the rebuild sums the
 * same function over the source tables, so the two agree by construction (and a test
 * checks it). Money buckets are the milestone's amount, per status.
 */
export const MONEY_BUCKETS = ['contracted', 'in_escrow', 'released', 'refunded', 'disputed', 'paid'] as const;
export type MoneyBucket = (typeof MONEY_BUCKETS)[number];

/** For each bucket, the statuses whose milestones count in it. Also used to generate the rebuild SQL. */
export const BUCKET_STATUSES: Readonly<Record<MoneyBucket, readonly MilestoneStatus[]>> = {
  contracted: ['accepted', 'funding', 'funded', 'submitted', 'changes_requested', 'approved', 'released', 'refund_requested', 'disputed'],
  in_escrow: ['funded', 'submitted', 'changes_requested', 'approved', 'refund_requested'],
  released: ['released'],
  refunded: ['refunded'],
  disputed: ['disputed'],
  paid: ['funded', 'submitted', 'changes_requested', 'approved', 'released', 'refund_requested', 'refunded', 'disputed'],
};

export const OPEN_MILESTONE_STATUSES: readonly MilestoneStatus[] = MILESTONE_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

export interface MilestoneFacts {
  status: MilestoneStatus;
  amount: number;
  currency: string;
  dueDate: string | null;
}

export interface TaskFacts {
  /** Not in a `done` column. */
  open: boolean;
  dueDate: string | null;
}

export interface Contribution {
  milestones: number;
  milestonesOpen: number;
  status: MilestoneStatus | null;
  tasks: number;
  tasksOpen: number;
  currency: string | null;
  money: Record<MoneyBucket, number>;
  due: { kind: 'milestone' | 'task'; date: string } | null;
}

const noMoney = (): Record<MoneyBucket, number> => ({ contracted: 0, in_escrow: 0, released: 0, refunded: 0, disputed: 0, paid: 0 });

export function milestoneContribution(m: MilestoneFacts): Contribution {
  const money = noMoney();
  for (const bucket of MONEY_BUCKETS) if (BUCKET_STATUSES[bucket].includes(m.status)) money[bucket] = m.amount;
  return {
    milestones: 1,
    milestonesOpen: OPEN_MILESTONE_STATUSES.includes(m.status) ? 1 : 0,
    status: m.status,
    tasks: 0,
    tasksOpen: 0,
    currency: m.currency,
    money,
    due: m.dueDate && DUE_TRACKED_STATUSES.includes(m.status) ? { kind: 'milestone', date: m.dueDate } : null,
  };
}

export function taskContribution(t: TaskFacts): Contribution {
  return {
    milestones: 0,
    milestonesOpen: 0,
    status: null,
    tasks: 1,
    tasksOpen: t.open ? 1 : 0,
    currency: null,
    money: noMoney(),
    due: t.dueDate && t.open ? { kind: 'task', date: t.dueDate } : null,
  };
}
