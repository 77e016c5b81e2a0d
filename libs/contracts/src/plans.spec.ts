import { DEFAULT_PLAN, PLAN_IDS, PLAN_LIMITS, PLAN_PRICES, planLimits, planThatLifts, platformFee } from './plans';

describe('plan limits', () => {
  it('grows with each plan', () => {
    const [free, pro, enterprise] = PLAN_IDS.map((p) => PLAN_LIMITS[p]);
    expect(free.storageQuotaBytes).toBeLessThan(pro.storageQuotaBytes);
    expect(pro.storageQuotaBytes).toBeLessThan(enterprise.storageQuotaBytes);
    expect(free.maxFileSizeBytes).toBeLessThan(pro.maxFileSizeBytes);
    expect(pro.maxFileSizeBytes).toBeLessThan(enterprise.maxFileSizeBytes);
  });

  it('never lets one file exceed the quota, and stays exact in JS numbers', () => {
    for (const plan of PLAN_IDS) {
      expect(PLAN_LIMITS[plan].maxFileSizeBytes).toBeLessThanOrEqual(PLAN_LIMITS[plan].storageQuotaBytes);
      expect(Number.isSafeInteger(PLAN_LIMITS[plan].storageQuotaBytes)).toBe(true);
    }
  });

  it('treats a missing or unknown plan as the free plan', () => {
    expect(DEFAULT_PLAN).toBe('free');
    expect(planLimits(undefined)).toBe(PLAN_LIMITS.free);
    expect(planLimits(null)).toBe(PLAN_LIMITS.free);
    expect(planLimits('platinum')).toBe(PLAN_LIMITS.free);
    expect(planLimits('pro')).toBe(PLAN_LIMITS.pro);
  });
});

describe('platform fee', () => {
  it('is the plan rate of the amount, rounded half up to a whole minor unit', () => {
    expect(platformFee(10_000, 'free')).toBe(500);
    expect(platformFee(10_000, 'pro')).toBe(200);
    expect(platformFee(10_000, 'enterprise')).toBe(100);
    expect(platformFee(12_345, 'free')).toBe(617); // 617.25
    expect(platformFee(12_350, 'free')).toBe(618); // 617.5 rounds up
    expect(platformFee(9, 'free')).toBe(0); // 0.45
    expect(platformFee(10, 'free')).toBe(1); // 0.5
  });

  it('charges an unknown plan the free rate, and stays exact at the largest amount', () => {
    expect(platformFee(10_000, 'gold')).toBe(500);
    expect(platformFee(1_000_000_000_000, 'free')).toBe(50_000_000_000);
  });
});

describe('plan catalog', () => {
  it('names the cheapest plan that lifts a limit or has a feature', () => {
    expect(planThatLifts({ limit: 'activeWorkspaces', needed: 4 })).toBe('pro');
    expect(planThatLifts({ limit: 'activeWorkspaces', needed: 1_000 })).toBe('enterprise');
    expect(planThatLifts({ limit: 'activeWorkspaces', needed: 1 })).toBe('free');
    expect(planThatLifts({ feature: 'apiAccess' })).toBe('enterprise');
    expect(planThatLifts({ feature: 'internalNotes' })).toBe('pro');
  });

  it('gives every paid plan a price per interval, the year cheaper than twelve months', () => {
    for (const plan of ['pro', 'enterprise'] as const) {
      expect(PLAN_PRICES[plan].year).toBeLessThan(PLAN_PRICES[plan].month * 12);
    }
  });
});
