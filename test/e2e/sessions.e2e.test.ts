import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessTokenService, generateKeyPair, keySetFromPair, loadKeySetFromDir } from '@fpms/auth';
import { bearer, connectServiceDb, RunningPlatform, signUp, startPlatform } from '@fpms/harness';
import { platformEnv } from '../../tools/infra/platform-env';

/**
 * Sessions over HTTP against the real gateway database: refresh-token rotation, reuse
 * detection, expiry, logout, concurrent refreshes, and what access tokens the API refuses.
 */
describe('sessions: refresh tokens and access tokens', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let db: DataSource;

  const refresh = (refreshToken: unknown) => api.post('/api/v1/auth/refresh').send({ refreshToken });
  const logout = (refreshToken: unknown) => api.post('/api/v1/auth/logout').send({ refreshToken });
  const login = (email: string, password: string) => api.post('/api/v1/auth/login').send({ email, password });
  const claimsOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8'));
  const tokenId = (refreshToken: string) => /^rt_([0-9a-f-]{36})\./.exec(refreshToken)![1];
  const rowOf = async (refreshToken: string) =>
    (await db.query(`select * from refresh_tokens where id = $1`, [tokenId(refreshToken)]))[0] as Record<string, unknown>;
  const familyRows = async (familyId: string) =>
    (await db.query(
      `select id, used_at, revoked_at, revoked_reason, replaced_by from refresh_tokens where family_id = $1 order by created_at`,
      [familyId],
    )) as Array<{ id: string; used_at: Date | null; revoked_at: Date | null; revoked_reason: string | null; replaced_by: string | null }>;

  beforeAll(async () => {
    // The per-IP refresh limit is rate-limit.e2e's subject; here every request comes from 127.0.0.1.
    platform = await startPlatform({ services: ['gateway', 'workspace'], env: { gateway: { RATE_LIMIT_REFRESH_IP: '1000/60' } } });
    api = request(platform.gatewayUrl);
    // The platform's own gateway database, as the gateway's BYPASSRLS system role.
    db = await connectServiceDb('gateway', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('signup and login each start a session: an access token whose sid is the refresh-token family', async () => {
    const user = await signUp(platform.gatewayUrl);
    expect(user.refreshToken).toMatch(/^rt_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const signupRow = await rowOf(user.refreshToken);
    expect(signupRow).toMatchObject({ user_id: user.userId, used_at: null, revoked_at: null });
    expect(claimsOf(user.token).sid).toBe(signupRow.family_id);

    const res = await login(user.email, user.password);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 600,
      refreshToken: expect.stringMatching(/^rt_/),
      refreshExpiresIn: 30 * 86_400,
    });
    const loginRow = await rowOf(res.body.refreshToken);
    expect(loginRow.family_id).not.toBe(signupRow.family_id);
    expect(claimsOf(res.body.accessToken)).toMatchObject({ sub: user.userId, acc: user.accountId, sid: loginRow.family_id });
    // The session expires REFRESH_TOKEN_TTL_DAYS (30) from now, by the database clock.
    const [{ days }] = await db.query(
      `select extract(epoch from expires_at - created_at) / 86400 as days from refresh_tokens where id = $1`,
      [loginRow.id],
    );
    expect(Number(days)).toBeCloseTo(30, 5);
  });

  it('rotates on every refresh; replaying a spent token revokes the whole family, successor included', async () => {
    const user = await signUp(platform.gatewayUrl);
    const familyId = (await rowOf(user.refreshToken)).family_id as string;

    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    // Never past the session's absolute end (SESSION_MAX_AGE_DAYS, 30, from the login): a little under 30 days here.
    expect(first.body.refreshExpiresIn).toBeLessThanOrEqual(30 * 86_400);
    expect(first.body.refreshExpiresIn).toBeGreaterThan(30 * 86_400 - 120);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect(claimsOf(first.body.accessToken)).toMatchObject({ sub: user.userId, acc: user.accountId, email: user.email, sid: familyId });
    expect((await api.get('/api/v1/workspaces').set(bearer(first.body.accessToken))).status).toBe(200);

    const second = await refresh(first.body.refreshToken);
    expect(second.status).toBe(200);
    expect(claimsOf(second.body.accessToken).sid).toBe(familyId);

    // One family, a chain of spent tokens each pointing at its successor.
    const chain = await familyRows(familyId);
    expect(chain.map((r) => r.id)).toEqual([
      tokenId(user.refreshToken),
      tokenId(first.body.refreshToken),
      tokenId(second.body.refreshToken),
    ]);
    expect(chain.map((r) => r.replaced_by)).toEqual([chain[1].id, chain[2].id, null]);
    expect(chain.map((r) => r.used_at !== null)).toEqual([true, true, false]);

    // The spent first token comes back (a thief, or the client after a thief): reuse.
    const replay = await refresh(user.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({ code: 'refresh_token_reused', requestId: expect.any(String) });

    // The legitimate holder's current token died with the family: they must sign in again.
    const legit = await refresh(second.body.refreshToken);
    expect(legit.status).toBe(401);
    expect(legit.body.error.code).toBe('invalid_refresh_token');
    expect((await familyRows(familyId)).map((r) => r.revoked_reason)).toEqual(['reuse_detected', 'reuse_detected', 'reuse_detected']);

    // Other sessions of the same user are untouched.
    const other = await login(user.email, user.password);
    expect((await refresh(other.body.refreshToken)).status).toBe(200);
  });

  it('re-reads the claims at every refresh (platform admin granted and withdrawn)', async () => {
    const user = await signUp(platform.gatewayUrl);
    expect(claimsOf(user.token).adm).toBeUndefined();
    await db.query(`update users set is_platform_admin = true where id = $1`, [user.userId]);
    const granted = await refresh(user.refreshToken);
    expect(claimsOf(granted.body.accessToken)).toMatchObject({ sub: user.userId, adm: true });
    await db.query(`update users set is_platform_admin = false where id = $1`, [user.userId]);
    const withdrawn = await refresh(granted.body.refreshToken);
    expect(claimsOf(withdrawn.body.accessToken).adm).toBeUndefined();
  });

  it('refuses an expired refresh token with 401, without treating it as a reuse', async () => {
    const user = await signUp(platform.gatewayUrl);
    const row = await rowOf(user.refreshToken);
    await db.query(`update refresh_tokens set expires_at = now() - interval '1 second' where id = $1`, [row.id]);

    const res = await refresh(user.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_refresh_token');
    expect(await familyRows(row.family_id as string)).toEqual([expect.objectContaining({ used_at: null, revoked_at: null })]);
  });

  it('logout revokes the session (204), is idempotent, and answers 204 for tokens it does not know', async () => {
    const user = await signUp(platform.gatewayUrl);
    const a = (await login(user.email, user.password)).body;
    const b = (await login(user.email, user.password)).body;
    const rotated = (await refresh(a.refreshToken)).body;

    // Logging out with the session's current token ends it: the earlier and current tokens are dead.
    const out = await logout(rotated.refreshToken);
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect((await refresh(rotated.refreshToken)).body.error.code).toBe('invalid_refresh_token');
    const family = await familyRows(claimsOf(a.accessToken).sid);
    expect(family.every((r) => r.revoked_reason === 'logout')).toBe(true);
    expect((await logout(rotated.refreshToken)).status).toBe(204);

    // The user's other session lives on.
    expect((await refresh(b.refreshToken)).status).toBe(200);

    // Access tokens are verified offline by every service: they stay valid until they expire (≤ 10 min).
    expect((await api.get('/api/v1/workspaces').set(bearer(rotated.accessToken))).status).toBe(200);

    // No oracle: unknown, malformed, and right-id-wrong-secret tokens all answer 204, and revoke nothing.
    const unknown = `rt_${randomUUID()}.${randomBytes(32).toString('base64url')}`;
    const wrongSecret = `rt_${tokenId(user.refreshToken)}.${randomBytes(32).toString('base64url')}`;
    for (const token of [unknown, 'garbage', wrongSecret]) expect((await logout(token)).status).toBe(204);
    expect(await rowOf(user.refreshToken)).toMatchObject({ revoked_at: null });
    expect((await refresh(user.refreshToken)).status).toBe(200);

    const missing = await api.post('/api/v1/auth/logout').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');
  });

  it('two concurrent refreshes with one token: exactly one succeeds, the other is a reuse, the family ends revoked', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await signUp(platform.gatewayUrl);
      const familyId = (await rowOf(user.refreshToken)).family_id as string;
      const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);

      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 401).map((r) => r.body.error.code)).toEqual(['refresh_token_reused']);
      // The race itself is the reuse: the winner's new refresh token is revoked too...
      expect((await refresh(winners[0].body.refreshToken)).status).toBe(401);
      const family = await familyRows(familyId);
      expect(family).toHaveLength(2);
      expect(family.every((r) => r.revoked_reason === 'reuse_detected')).toBe(true);
      // ...while its access token works until it expires.
      expect((await api.get('/api/v1/workspaces').set(bearer(winners[0].body.accessToken))).status).toBe(200);
    }
  });

  it('stores only a SHA-256 of each secret: no refresh token or secret appears in the database', async () => {
    const user = await signUp(platform.gatewayUrl);
    const issued = [user.refreshToken, (await login(user.email, user.password)).body.refreshToken];
    issued.push((await refresh(issued[1])).body.refreshToken);
    const secrets = issued.map((t) => t.split('.')[1]);

    // Every column of every row of the user's tokens, as PostgreSQL renders it.
    const rows: Array<{ id: string; text: string; hash: Buffer }> = await db.query(
      `select t.id, t::text as text, t.token_hash as hash from refresh_tokens t where user_id = $1 order by created_at`,
      [user.userId],
    );
    expect(rows).toHaveLength(3);
    const dump = rows.map((r) => r.text).join('\n');
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
    }
    for (const [i, row] of rows.entries()) {
      expect(row.hash.equals(createHash('sha256').update(secrets[i]).digest())).toBe(true);
    }
  });

  it('answers bad refresh input with 4xx and the error body, and a wrong secret revokes nothing', async () => {
    const user = await signUp(platform.gatewayUrl);
    const cases: Array<[unknown, number, string]> = [
      ['garbage', 401, 'invalid_refresh_token'],
      [`rt_${randomUUID()}.${randomBytes(32).toString('base64url')}`, 401, 'invalid_refresh_token'],
      [`rt_${tokenId(user.refreshToken)}.${randomBytes(32).toString('base64url')}`, 401, 'invalid_refresh_token'],
      [`${user.refreshToken}x`, 401, 'invalid_refresh_token'],
      ['x'.repeat(513), 400, 'validation_failed'],
      [42, 400, 'validation_failed'],
      [undefined, 400, 'validation_failed'],
    ];
    for (const [token, status, code] of cases) {
      const res = await refresh(token);
      expect({ token, status: res.status, code: res.body.error?.code }).toEqual({ token, status, code });
    }
    const extra = await api.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken, userId: user.userId });
    expect(extra.status).toBe(400);
    const malformed = await api.post('/api/v1/auth/refresh').set('Content-Type', 'application/json').send('{"refreshToken": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');

    // The guess with the right id but a wrong secret neither spent nor revoked the real token.
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  describe('access tokens on a protected route', () => {
    const env = platformEnv();
    const claims = { sub: randomUUID(), acc: randomUUID(), email: 'x@example.test' };
    const protectedRoute = (token: string) => api.get('/api/v1/workspaces').set(bearer(token));
    const gatewayKeys = () => loadKeySetFromDir(env.keysDir, env.activeKid);

    it('accepts a token signed with the active key (control for the cases below)', async () => {
      const user = await signUp(platform.gatewayUrl);
      const token = new AccessTokenService(gatewayKeys()).sign({ sub: user.userId, acc: user.accountId, email: user.email });
      expect((await protectedRoute(token)).status).toBe(200);
    });

    it('refuses an expired token signed with the real key', async () => {
      const expired = new AccessTokenService(gatewayKeys(), -5).sign(claims);
      const res = await protectedRoute(expired);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'Access token expired' });
    });

    it('refuses a token whose kid the gateway does not know', async () => {
      const retired = new AccessTokenService(keySetFromPair(generateKeyPair('retired-kid'))).sign(claims);
      const res = await protectedRoute(retired);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'Access token signed with an unknown key' });
    });

    it('refuses tokens that switch the algorithm (none, or HS256 keyed with the public key)', async () => {
      const publicPem = gatewayKeys().publicKeys[env.activeKid];
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const payload = b64({ ...claims, iss: 'fpms-gateway', aud: 'fpms', exp: Math.floor(Date.now() / 1000) + 300 });
      const none = `${b64({ alg: 'none', typ: 'JWT', kid: env.activeKid })}.${payload}.`;
      const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: env.activeKid })}.${payload}`;
      const hs256 = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`;
      for (const token of [none, hs256]) {
        const res = await protectedRoute(token);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    });
  });
});
