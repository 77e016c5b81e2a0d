import type { BillableEntry } from '@fpms/contracts';
import { memberShares } from '../hourly/week-amount';

/** The task group of untasked time (`task_id` of `earnings_hours`; the report's key `none`). */
export const NO_TASK = '00000000-0000-0000-0000-000000000000';

/** A paid batch's share for one member and task: billed seconds and money (minor units). */
export interface WeekHoursCell {
  memberUserId: string;
  taskId: string;
  seconds: number;
  gross: number;
  platformFees: number;
  net: number;
  /** 1 on one cell of the batch (the batch is one release), else 0. */
  releases: number;
}

/**
 * Splits `total` over parts by weight with the invoice's rule: exact shares floored, the
 * units left over going one each to the largest remainders (ties: the part listed first),
 * so the shares add up to `total` exactly.
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) return weights.map(() => 0);
  const parts = weights.map((w) => {
    const exact = BigInt(total) * BigInt(w);
    return { floor: Number(exact / BigInt(sum)), remainder: exact % BigInt(sum) };
  });
  let left = total - parts.reduce((s, p) => s + p.floor, 0);
  const order = parts
    .map((p, i) => ({ i, remainder: p.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  const shares = parts.map((p) => p.floor);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] += 1;
    left -= 1;
  }
  return shares;
}

/**
 * A paid batch per member and task. Each member's gross is their invoice line (memberShares:
 * their seconds at the rate, the lines adding up to the amount); the platform's fee is split
 * over members by seconds; each member's gross and fee are then split over their tasks by
 * seconds, both with the same largest-remainder rule, so every figure adds up to the batch's
 * exactly. Net is gross − fee per cell. The batch's one release goes to the cell with the most
 * seconds (ties: the one listed first).
 */
export function weekHoursCells(entries: readonly BillableEntry[], rateMinor: number, amount: number, fee: number): WeekHoursCell[] {
  const members = memberShares(entries, rateMinor, amount);
  const memberFees = splitByWeight(
    fee,
    members.map((m) => m.seconds),
  );
  const cells: WeekHoursCell[] = [];
  members.forEach((member, mi) => {
    const tasks = new Map<string, number>();
    for (const e of entries) {
      if (e.userId !== member.userId) continue;
      const task = e.taskId ?? NO_TASK;
      tasks.set(task, (tasks.get(task) ?? 0) + e.seconds);
    }
    const seconds = [...tasks.values()];
    const gross = splitByWeight(member.amount, seconds);
    const fees = splitByWeight(memberFees[mi], seconds);
    [...tasks.keys()].forEach((taskId, ti) =>
      cells.push({
        memberUserId: member.userId,
        taskId,
        seconds: seconds[ti],
        gross: gross[ti],
        platformFees: fees[ti],
        net: gross[ti] - fees[ti],
        releases: 0,
      }),
    );
  });
  const longest = cells.reduce((best, c, i) => (c.seconds > cells[best].seconds ? i : best), 0);
  if (cells.length > 0) cells[longest].releases = 1;
  return cells;
}
