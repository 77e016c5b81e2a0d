import request from 'supertest';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { connectServiceDb, MutableClock, RunningPlatform, signUp, startPlatform } from '@fpms/harness';
import { RefreshTokenPurger } from '../../apps/gateway/src/sessions/refresh-token-purger';
import { RefreshTokensRepository } from '../../apps/gateway/src/sessions/refresh-tokens.repository';

const DAY = 86_400_000;

/**
 * Ended sessions are purged after the retention (7 days here), live ones never, and a
 * spent token of a live session is kept so that reuse detection still works. Real gateway
 * and database; the purger runs on a clock the test moves.
 */
describe('refresh-token purge', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let db: DataSource;

  const refresh = (refreshToken: string) => api.post('/api/v1/auth/refresh').send({ refreshToken });
  const familyOf = (accessToken: string): string => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')).sid;
  const rowsOf = async (familyId: string): Promise<number> =>
    Number((await db.query(`select count(*)::int as n from refresh_tokens where family_id = $1`, [familyId]))[0].n);
  const purger = (clock: MutableClock) => {
    const gateway = platform.apps.gateway!;
    return new RefreshTokenPurger(
      gateway.get(getDataSourceToken(), { strict: false }),
      gateway.get(RefreshTokensRepository, { strict: false }),
      clock,
      {
        intervalMs: 0,
        retentionMs: 7 * DAY,
      },
    );
  };

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], env: { gateway: { RATE_LIMIT_REFRESH_IP: '1000/60' } } });
    api = request(platform.gatewayUrl);
    db = await connectServiceDb('gateway', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('purges ended sessions after the retention, keeps live ones with their spent tokens, and reuse is still detected', async () => {
    const user = await signUp(platform.gatewayUrl);
    // Session A: rotated once, so it holds a spent token and a live one.
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);
    const sessionA = familyOf(user.token);
    // Session B: logged out (revoked) today.
    const loginB = await api.post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    const sessionB = familyOf(loginB.body.accessToken);
    expect((await api.post('/api/v1/auth/logout').send({ refreshToken: loginB.body.refreshToken })).status).toBe(204);
    // Session C: live, never used.
    const loginC = await api.post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    const sessionC = familyOf(loginC.body.accessToken);
    expect([await rowsOf(sessionA), await rowsOf(sessionB), await rowsOf(sessionC)]).toEqual([2, 1, 1]);

    // Six days after the logout: still within the retention.
    const clock = new MutableClock();
    clock.advanceDays(6);
    expect(await purger(clock).runOnce()).toBe(0);

    // Eight days after: B goes; A (live, 30-day tokens) keeps its spent token too.
    clock.advanceDays(2);
    expect(await purger(clock).runOnce()).toBe(1);
    expect([await rowsOf(sessionA), await rowsOf(sessionB), await rowsOf(sessionC)]).toEqual([2, 0, 1]);

    // The spent token of A resurfaces: detected as reuse, so A's live token dies with it.
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
    // C is untouched by all this.
    const stillC = await refresh(loginC.body.refreshToken);
    expect(stillC.status).toBe(200);

    // 40 days on every token has expired (30-day lifetime) or was revoked: two replicas
    // purge at once, and between them everything goes exactly once.
    clock.advanceDays(32);
    const [x, y] = await Promise.all([purger(clock).runOnce(), purger(clock).runOnce()]);
    expect(x + y).toBe(2 + 2);
    expect([await rowsOf(sessionA), await rowsOf(sessionC)]).toEqual([0, 0]);
  });
});
