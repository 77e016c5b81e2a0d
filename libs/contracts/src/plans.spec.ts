import { DEFAULT_PLAN, PLAN_IDS, PLAN_LIMITS, planLimits } from './plans';

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
