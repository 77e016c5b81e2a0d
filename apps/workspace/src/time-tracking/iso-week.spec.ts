import { daysOfWeek, mondayOfIsoWeek } from './iso-week';

describe('ISO weeks', () => {
  it('finds the Monday of a week, across year boundaries', () => {
    expect(mondayOfIsoWeek('2026-W13')).toBe('2026-03-23');
    expect(mondayOfIsoWeek('2026-W01')).toBe('2025-12-29');
    expect(mondayOfIsoWeek('2020-W53')).toBe('2020-12-28');
  });

  it('refuses a week 53 the year does not have', () => {
    expect(() => mondayOfIsoWeek('2025-W53')).toThrow(/no week 53/);
  });

  it('lists the seven days', () => {
    expect(daysOfWeek('2026-03-23')).toEqual([
      '2026-03-23',
      '2026-03-24',
      '2026-03-25',
      '2026-03-26',
      '2026-03-27',
      '2026-03-28',
      '2026-03-29',
    ]);
  });
});
