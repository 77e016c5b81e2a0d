import type { BillableEntry } from '@fpms/contracts';

const SECONDS_PER_HOUR = 3600n;

/**
 * What a batch of hours costs, in integer minor units: billableSeconds × rateMinor / 3600,
 * rounded half up to the minor unit (1 s at 100.00/h is 2.78 → 3; 0.5 rounds up). Computed on
 * the batch's total seconds, never per entry, so splitting a week into entries cannot move
 * the total by more than the one rounding.
 */
export function weekAmountMinor(billableSeconds: number, rateMinor: number): number {
  const product = BigInt(billableSeconds) * BigInt(rateMinor);
  return Number((product + SECONDS_PER_HOUR / 2n) / SECONDS_PER_HOUR);
}

export interface MemberHours {
  userId: string;
  seconds: number;
  entries: number;
  /** This member's share of the batch's amount (the shares add up to the amount exactly). */
  amount: number;
}

/**
 * The batch's amount per member, for the invoice's lines: each member's exact share is
 * seconds × rate / 3600; shares are floored and the cents left over go, one each, to the
 * largest remainders (ties: the member listed first), so the lines add up to the rounded total.
 */
export function memberShares(entries: readonly BillableEntry[], rateMinor: number, total: number): MemberHours[] {
  const byMember = new Map<string, { seconds: number; entries: number }>();
  for (const e of entries) {
    const m = byMember.get(e.userId) ?? { seconds: 0, entries: 0 };
    m.seconds += e.seconds;
    m.entries += 1;
    byMember.set(e.userId, m);
  }
  const members = [...byMember.entries()].map(([userId, m]) => {
    const exact = BigInt(m.seconds) * BigInt(rateMinor);
    return { userId, ...m, floor: Number(exact / SECONDS_PER_HOUR), remainder: Number(exact % SECONDS_PER_HOUR) };
  });
  let left = total - members.reduce((sum, m) => sum + m.floor, 0);
  const order = members.map((m, i) => ({ i, remainder: m.remainder })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  const extra = new Array<number>(members.length).fill(0);
  for (const { i } of order) {
    if (left <= 0) break;
    extra[i] += 1;
    left -= 1;
  }
  return members.map((m, i) => ({ userId: m.userId, seconds: m.seconds, entries: m.entries, amount: m.floor + extra[i] }));
}

/** `12:30 h` for a number of seconds (minutes rounded down). */
export function hoursLabel(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')} h`;
}
