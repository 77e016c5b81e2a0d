import { DEFAULT_ENTITLEMENTS, Entitlements, PLAN_LIMITS } from '@fpms/contracts';
import { EntitlementsCache } from './entitlements-cache';

const at = (version: number | null, plan: Entitlements['plan'] = 'free'): Entitlements => ({
  ...DEFAULT_ENTITLEMENTS,
  plan,
  limits: PLAN_LIMITS[plan],
  version,
});

describe('EntitlementsCache', () => {
  let now = 0;
  const cache = (options = {}) => new EntitlementsCache({ ttlMs: 1_000, floorMs: 10_000, now: () => now, ...options });
  beforeEach(() => (now = 0));

  it('answers from memory within the TTL and reads again after it', async () => {
    const c = cache();
    const load = jest.fn(async () => at(1));
    await c.get('a', load);
    now = 999;
    await c.get('a', load);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1_000;
    await c.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('drops the entry on invalidation: the next read loads the new version', async () => {
    const c = cache();
    await c.get('a', async () => at(1));
    c.invalidate('a', 2);
    expect((await c.get('a', async () => at(2, 'pro'))).plan).toBe('pro');
    // …and that one is cached.
    expect((await c.get('a', async () => at(3, 'enterprise'))).plan).toBe('pro');
  });

  it('never caches a version older than the one projected (a read racing the projection’s commit)', async () => {
    const c = cache();
    c.invalidate('a', 2);
    // The projecting transaction has not committed yet: the read sees version 1, answers it, keeps nothing.
    expect((await c.get('a', async () => at(1))).version).toBe(1);
    const load = jest.fn(async () => at(2, 'pro'));
    expect((await c.get('a', load)).plan).toBe('pro');
    expect((await c.get('a', load)).plan).toBe('pro');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not store a load that started before an invalidation', async () => {
    const c = cache();
    let release!: (e: Entitlements) => void;
    const slow = c.get('a', () => new Promise<Entitlements>((r) => (release = r)));
    c.invalidate('a', 5);
    release(at(5, 'pro'));
    await slow;
    const load = jest.fn(async () => at(5, 'enterprise'));
    expect((await c.get('a', load)).plan).toBe('enterprise');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('stops insisting on a projected version once the floor expires (its transaction rolled back)', async () => {
    const c = cache();
    c.invalidate('a', 9);
    const load = jest.fn(async () => at(1));
    await c.get('a', load);
    await c.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
    now = 10_000;
    await c.get('a', load);
    await c.get('a', load);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('an older invalidation does not lower the floor; accounts are independent', async () => {
    const c = cache();
    c.invalidate('a', 3);
    c.invalidate('a', 2);
    await c.get('a', async () => at(2));
    const loadA = jest.fn(async () => at(3, 'pro'));
    expect((await c.get('a', loadA)).plan).toBe('pro');
    await c.get('b', async () => at(null));
    c.invalidate('a', 4);
    const loadB = jest.fn(async () => at(7));
    expect((await c.get('b', loadB)).version).toBeNull();
    expect(loadB).not.toHaveBeenCalled();
  });

  it('keeps at most maxEntries, dropping the oldest loaded', async () => {
    const c = cache({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) await c.get(id, async () => at(1));
    expect(c.size).toBe(2);
    const load = jest.fn(async () => at(1));
    await c.get('a', load);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
