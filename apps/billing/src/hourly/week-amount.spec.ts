import { randomUUID } from 'node:crypto';
import type { BillableEntry } from '@fpms/contracts';
import { hoursLabel, memberShares, weekAmountMinor } from './week-amount';

const entry = (userId: string, seconds: number): BillableEntry => ({
  entryId: randomUUID(),
  userId,
  day: '2026-11-23',
  seconds,
  taskId: null,
  milestoneId: null,
  note: null,
});

describe('weekAmountMinor', () => {
  it('charges seconds × rate / 3600, rounded half up', () => {
    expect(weekAmountMinor(3600, 10_000)).toBe(10_000);
    expect(weekAmountMinor(1, 10_000)).toBe(3); // 2.78
    expect(weekAmountMinor(18, 100)).toBe(1); // 0.5 → 1
    expect(weekAmountMinor(17, 100)).toBe(0); // 0.47
    expect(weekAmountMinor(0, 10_000)).toBe(0);
    expect(weekAmountMinor(37 * 3600 + 1234, 7_550)).toBe(281_938); // 37.3428 h × 75.50
  });

  it('stays exact for large products', () => {
    expect(weekAmountMinor(200 * 3600, 99_999_999)).toBe(200 * 99_999_999);
  });
});

describe('memberShares', () => {
  it('splits the rounded total over members so the lines add up to it', () => {
    const entries = [entry('a', 1), entry('b', 1), entry('c', 1), entry('a', 1)];
    const total = weekAmountMinor(4, 10_000); // 11.11 → 11
    const shares = memberShares(entries, 10_000, total);
    expect(shares.map((s) => [s.userId, s.seconds, s.entries])).toEqual([
      ['a', 2, 2],
      ['b', 1, 1],
      ['c', 1, 1],
    ]);
    expect(shares.reduce((sum, s) => sum + s.amount, 0)).toBe(total);
    expect(shares.map((s) => s.amount)).toEqual([5, 3, 3]); // 5.56, 2.78, 2.78: the cents left go to the largest remainders
  });

  it('gives whole hours their exact amount', () => {
    const shares = memberShares([entry('a', 7200), entry('b', 3600)], 5_000, weekAmountMinor(10_800, 5_000));
    expect(shares.map((s) => s.amount)).toEqual([10_000, 5_000]);
  });
});

describe('hoursLabel', () => {
  it('writes hours and minutes', () => {
    expect(hoursLabel(37 * 3600 + 30 * 60 + 59)).toBe('37:30 h');
    expect(hoursLabel(59)).toBe('0:00 h');
  });
});
