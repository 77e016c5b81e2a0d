import { nextAttemptAt } from './webhook-retry';

describe('nextAttemptAt', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const policy = { baseMs: 10_000, maxMs: 3_600_000 };
  const delay = (attempts: number) => nextAttemptAt(now, attempts, policy).getTime() - now.getTime();

  it('waits the base after the first failure and doubles per further failure', () => {
    expect([1, 2, 3, 4].map(delay)).toEqual([10_000, 20_000, 40_000, 80_000]);
  });

  it('never waits longer than the cap, however many failures (no overflow)', () => {
    expect(delay(10)).toBe(3_600_000);
    expect(delay(5_000)).toBe(3_600_000);
  });
});
