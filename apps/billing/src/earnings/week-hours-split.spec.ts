import { randomUUID } from 'node:crypto';
import type { BillableEntry } from '@fpms/contracts';
import { memberShares, weekAmountMinor } from '../hourly/week-amount';
import { NO_TASK, splitByWeight, weekHoursCells } from './week-hours-split';

const entry = (userId: string, taskId: string | null, seconds: number): BillableEntry => ({
  entryId: randomUUID(),
  userId,
  day: '2026-11-23',
  seconds,
  taskId,
  milestoneId: null,
  note: null,
});

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('splitByWeight', () => {
  it('floors the exact shares and gives the units left to the largest remainders (ties: first listed)', () => {
    expect(splitByWeight(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeight(100, [1, 2])).toEqual([33, 67]);
    expect(splitByWeight(7, [0, 0])).toEqual([0, 0]);
    expect(splitByWeight(0, [5, 5])).toEqual([0, 0]);
  });
});

describe('weekHoursCells', () => {
  it("keeps each member's invoice line and adds every figure up to the batch's", () => {
    const entries = [entry('a', 't1', 1000), entry('a', null, 2001), entry('b', 't1', 3333), entry('b', 't2', 17), entry('a', 't1', 5)];
    const rate = 7_550;
    const amount = weekAmountMinor(sum(entries.map((e) => e.seconds)), rate);
    const fee = 321;
    const cells = weekHoursCells(entries, rate, amount, fee);
    expect(cells.map((c) => [c.memberUserId, c.taskId, c.seconds])).toEqual([
      ['a', 't1', 1005],
      ['a', NO_TASK, 2001],
      ['b', 't1', 3333],
      ['b', 't2', 17],
    ]);
    expect(sum(cells.map((c) => c.gross))).toBe(amount);
    expect(sum(cells.map((c) => c.platformFees))).toBe(fee);
    expect(sum(cells.map((c) => c.net))).toBe(amount - fee);
    for (const m of memberShares(entries, rate, amount))
      expect(sum(cells.filter((c) => c.memberUserId === m.userId).map((c) => c.gross))).toBe(m.amount);
    expect(cells.map((c) => c.releases)).toEqual([0, 0, 1, 0]);
  });
});
