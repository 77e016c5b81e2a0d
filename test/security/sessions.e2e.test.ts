import { bearer, connectServiceDb, signUp } from '@fpms/testing';
import { RefreshTokenPurger } from '../../apps/gateway/src/sessions/refresh-token-purger';
import { mailTo, someId, startSecurityWorld, SecurityWorld } from './security-world';

/** Issue 18, part 3: sessions a user sees and ends; the absolute lifetime; security emails. */
describe('sessions a user controls', () => {
  let world: SecurityWorld;
  const api = () => world.api();

  beforeAll(async () => {
    world = await startSecurityWorld();
  });

  afterAll(async () => {
    await world?.close();
  });

  const loginFrom = (device: string, email: string, password: string) =>
    api().post('/api/v1/auth/login').set('User-Agent', device).send({ email, password });

  it('lists sessions with device, IP, created and last used; revokes one, then all others; a new device gets an email', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Many devices');
    const laptop = await loginFrom('Laptop/1.0', user.email, user.password);
    const phone = await loginFrom('Phone/2.0', user.email, user.password);
    expect(laptop.status).toBe(200);
    const notice = await mailTo(world, user.email, /New sign-in/, 2);
    expect(notice.text).toMatch(/Phone\/2\.0|Laptop\/1\.0/);
    // The same device again is not news.
    await loginFrom('Phone/2.0', user.email, user.password);

    const list = await api().get('/api/v1/me/sessions').set(bearer(phone.body.accessToken));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(4);
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ device: 'Phone/2.0', ip: expect.stringMatching(/127\.0\.0\.1/) });
    for (const s of list.body.items) {
      expect(Date.parse(s.createdAt)).toBeLessThanOrEqual(Date.parse(s.lastUsedAt));
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.parse(s.createdAt));
    }

    // Refreshing moves "last used" and keeps the session's id.
    const laptopSession = list.body.items.find((s: { device: string }) => s.device === 'Laptop/1.0');
    world.clock.advance(60_000);
    const refreshed = await api()
      .post('/api/v1/auth/refresh')
      .set('User-Agent', 'Laptop/1.0')
      .send({ refreshToken: laptop.body.refreshToken });
    expect(refreshed.status).toBe(200);

    const revoked = await api().delete(`/api/v1/me/sessions/${laptopSession.id}`).set(bearer(phone.body.accessToken));
    expect(revoked.status).toBe(204);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: refreshed.body.refreshToken })).status).toBe(401);
    expect((await api().delete(`/api/v1/me/sessions/${laptopSession.id}`).set(bearer(phone.body.accessToken))).status).toBe(204);

    const others = await api().delete('/api/v1/me/sessions').set(bearer(phone.body.accessToken));
    expect(others.status).toBe(200);
    expect(others.body.revoked).toBe(2);
    const left = await api().get('/api/v1/me/sessions').set(bearer(phone.body.accessToken));
    expect(left.body.items.map((s: { current: boolean }) => s.current)).toEqual([true]);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: phone.body.refreshToken })).status).toBe(200);
  });

  it("another user's session is answered like an unknown one, and changes nothing", async () => {
    const a = await signUp(world.platform.gatewayUrl, 'Session owner');
    const b = await signUp(world.platform.gatewayUrl, 'Prober');
    const [aSession] = (await api().get('/api/v1/me/sessions').set(bearer(a.token))).body.items;
    const probe = await api().delete(`/api/v1/me/sessions/${aSession.id}`).set(bearer(b.token));
    expect(probe.status).toBe(404);
    expect(probe.body.error.code).toBe('session_not_found');
    expect((await api().delete(`/api/v1/me/sessions/${someId()}`).set(bearer(b.token))).status).toBe(404);
    expect((await api().delete('/api/v1/me/sessions/not-an-id').set(bearer(b.token))).status).toBe(404);
    expect((await api().get('/api/v1/me/sessions').set(bearer(b.token))).body.items.map((s: { id: string }) => s.id)).not.toContain(
      aSession.id,
    );
    await api().delete('/api/v1/me/sessions').set(bearer(b.token));
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken })).status).toBe(200);
    for (const [method, path] of [
      ['get', '/api/v1/me/sessions'],
      ['delete', '/api/v1/me/sessions'],
      ['delete', `/api/v1/me/sessions/${aSession.id}`],
      ['put', '/api/v1/me/password'],
      ['put', '/api/v1/me/email'],
    ] as const) {
      expect((await api()[method](path).send({})).status).toBe(401);
    }
  });

  it('a session ends 30 days after its login however often it is refreshed, and ended sessions are purged', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Long-lived');
    let refreshToken = user.refreshToken;
    for (const days of [10, 10, 9]) {
      world.clock.advanceDays(days);
      const res = await api().post('/api/v1/auth/refresh').send({ refreshToken });
      expect(res.status).toBe(200);
      refreshToken = res.body.refreshToken;
    }
    world.clock.advanceDays(1.1);
    const ended = await api().post('/api/v1/auth/refresh').send({ refreshToken });
    expect(ended.status).toBe(401);
    expect(ended.body.error.code).toBe('invalid_refresh_token');
    expect(
      (
        await api()
          .get('/api/v1/me/sessions')
          .set(bearer((await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password })).body.accessToken))
      ).body.items,
    ).toHaveLength(1);

    // Past the retention (7 days) the ended session's tokens are deleted.
    const firstTokenId = /^rt_([0-9a-f-]{36})\./.exec(user.refreshToken)![1];
    const db = await connectServiceDb('gateway', 'system', world.platform.dbPrefix);
    try {
      const rowsOf = async () =>
        Number((await db.query(`select count(*)::int as n from refresh_tokens where id = $1`, [firstTokenId]))[0].n);
      expect(await rowsOf()).toBe(1);
      world.clock.advanceDays(8);
      await world.platform.apps.gateway!.get(RefreshTokenPurger, { strict: false }).runOnce();
      expect(await rowsOf()).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('changing the password needs the current one, ends every other session and emails the user', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Changer');
    const other = await loginFrom('Other/1', user.email, user.password);
    const wrong = await api()
      .put('/api/v1/me/password')
      .set(bearer(user.token))
      .send({ currentPassword: 'nope', newPassword: 'a fresh long pass phrase' });
    expect(wrong.status).toBe(401);
    const changed = await api()
      .put('/api/v1/me/password')
      .set(bearer(user.token))
      .send({ currentPassword: user.password, newPassword: 'a fresh long pass phrase' });
    expect(changed.status).toBe(204);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: other.body.refreshToken })).status).toBe(401);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(200);
    await mailTo(world, user.email, /Your FPMS password was changed/);
  });
});
