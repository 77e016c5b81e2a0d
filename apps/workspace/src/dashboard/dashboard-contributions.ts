import {
  MilestoneStatus,
  CLOSED_STATUSES,
  DUE_TRACKED_STATUSES,
  MILESTONE_STATUSES,
  MoneyAmounts,
} from '../milestones/milestone-state-machine';

/**
 * What one milestone or task adds to the dashboards, as a pure function of its current
 * facts. Incremental updates apply (after − before) on every change; the rebuild sums the
 * same function over the source tables, so the two agree by construction (and a test
 * checks it). Money buckets come from billing's money amounts, so a partial refund or a
 * partial chargeback moves only its own amount.
 */
export const MONEY_BUCKETS = ['contracted', 'in_escrow', 'released', 'refunded', 'disputed', 'paid'] as const;
export type MoneyBucket = (typeof MONEY_BUCKETS)[number];

/** Statuses in which the client has agreed to pay (contracted counts amount − refunded). */
const CONTRACTED: readonly MilestoneStatus[] = MILESTONE_STATUSES.filter((s) => !['draft', 'proposed', 'cancelled'].includes(s));

/**
 * Each bucket twice, side by side, so they cannot drift: `ts` for the incremental
 * projector, `sql` over a milestones row for the rebuild.
 *   paid = charged; released; refunded = as billing reports them;
 *   disputed = under a chargeback, or all still held while an in-app dispute is open;
 *   in_escrow = held (charged − released − refunded) and not disputed;
 *   contracted = amount − refunded once accepted.
 */
const held = (m: MilestoneFacts) => m.money.charged - m.money.released - m.money.refunded;
const disputed = (m: MilestoneFacts) => Math.max(m.money.disputed, m.inAppDispute ? held(m) : 0);
const HELD_SQL = `(money_charged - money_released - money_refunded)`;
const DISPUTED_SQL = `greatest(money_disputed, case when dispute_opened_by is not null then ${HELD_SQL} else 0 end)`;
const sqlList = (values: readonly string[]) => `(${values.map((v) => `'${v}'`).join(', ')})`;

export const BUCKETS: Readonly<Record<MoneyBucket, { ts: (m: MilestoneFacts) => number; sql: string }>> = {
  contracted: {
    ts: (m) => (CONTRACTED.includes(m.status) ? m.amount - m.money.refunded : 0),
    sql: `case when status in ${sqlList(CONTRACTED)} then amount - money_refunded else 0 end`,
  },
  in_escrow: { ts: (m) => Math.max(held(m) - disputed(m), 0), sql: `greatest(${HELD_SQL} - ${DISPUTED_SQL}, 0)` },
  released: { ts: (m) => m.money.released, sql: `money_released` },
  refunded: { ts: (m) => m.money.refunded, sql: `money_refunded` },
  disputed: { ts: disputed, sql: DISPUTED_SQL },
  paid: { ts: (m) => m.money.charged, sql: `money_charged` },
};

export const OPEN_MILESTONE_STATUSES: readonly MilestoneStatus[] = MILESTONE_STATUSES.filter((s) => !CLOSED_STATUSES.includes(s));

export interface MilestoneFacts {
  status: MilestoneStatus;
  amount: number;
  currency: string;
  dueDate: string | null;
  money: MoneyAmounts;
  /** An in-app dispute is open (its money counts as disputed). */
  inAppDispute: boolean;
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
  for (const bucket of MONEY_BUCKETS) money[bucket] = BUCKETS[bucket].ts(m);
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

/** Per currency, what the dashboards' money buckets change by (after − before); zero deltas are left out. */
export function moneyDeltas(before: Contribution | null, after: Contribution | null): Map<string, Record<MoneyBucket, number>> {
  const out = new Map<string, Record<MoneyBucket, number>>();
  const add = (c: Contribution | null, sign: number) => {
    if (!c?.currency) return;
    const cur = out.get(c.currency) ?? { contracted: 0, in_escrow: 0, released: 0, refunded: 0, disputed: 0, paid: 0 };
    for (const b of MONEY_BUCKETS) cur[b] += sign * c.money[b];
    out.set(c.currency, cur);
  };
  add(before, -1);
  add(after, 1);
  for (const [currency, delta] of out) if (MONEY_BUCKETS.every((b) => delta[b] === 0)) out.delete(currency);
  return out;
}

/** Per `kind|date`, how the open due-date histogram changes (after − before); zero deltas are left out. */
export function dueDeltas(before: Contribution | null, after: Contribution | null): Map<string, number> {
  const out = new Map<string, number>();
  if (before?.due) out.set(`${before.due.kind}|${before.due.date}`, (out.get(`${before.due.kind}|${before.due.date}`) ?? 0) - 1);
  if (after?.due) out.set(`${after.due.kind}|${after.due.date}`, (out.get(`${after.due.kind}|${after.due.date}`) ?? 0) + 1);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}
