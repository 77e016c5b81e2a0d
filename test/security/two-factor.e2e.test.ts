import { bearer, signUp } from '@fpms/testing';
import { enableTotp, mailTo, startSecurityWorld, SecurityWorld, totpCode } from './security-world';

/** Issue 18, part 2: TOTP two-factor sign-in (RFC 6238), with the product's defaults. */
describe('two-factor sign-in (TOTP)', () => {
  let world: SecurityWorld;
  const api = () => world.api();

  beforeAll(async () => {
    world = await startSecurityWorld({ RATE_LIMIT_2FA_USER: '12/600' });
  });

  afterAll(async () => {
    await world?.close();
  });

  const login = (email: string, password: string) => api().post('/api/v1/auth/login').send({ email, password });

  it('enrols with a secret shown once as an otpauth URI and a QR code, confirmed by a first code; ten recovery codes', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Enroller');
    const enrol = await api().post('/api/v1/me/2fa/totp').set(bearer(user.token)).send({});
    expect(enrol.status).toBe(201);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/FPMS:.+\?secret=[A-Z2-7]+/);
    expect(enrol.body.otpauthUri).toContain(`secret=${enrol.body.secret}`);
    expect(enrol.body.qrCode.svg).toMatch(/^<svg/);
    expect(enrol.body.qrCode.pngDataUrl).toMatch(/^data:image\/png;base64,/);
    // Not on until confirmed: login is still one step.
    expect((await login(user.email, user.password)).body.accessToken).toBeDefined();

    const wrong = await api()
      .post('/api/v1/me/2fa/totp/confirm')
      .set(bearer(user.token))
      .send({ code: totpCode(world, enrol.body.secret, 5) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_two_factor_code');
    const confirmed = await api()
      .post('/api/v1/me/2fa/totp/confirm')
      .set(bearer(user.token))
      .send({ code: totpCode(world, enrol.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.enabled).toBe(true);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    expect((await api().get('/api/v1/me/2fa').set(bearer(user.token))).body).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    // The secret is not shown again: enrolling again is refused while enabled.
    expect((await api().post('/api/v1/me/2fa/totp').set(bearer(user.token)).send({})).body.error.code).toBe('two_factor_already_enabled');
    await mailTo(world, user.email, /Two-factor sign-in is on/);
  });

  it('login becomes two steps; a code is accepted within ±1 step and never twice; recovery codes work once', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Two-stepper');
    const { secret, recoveryCodes } = await enableTotp(world, user);

    const first = await login(user.email, user.password);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ twoFactorRequired: true, challengeToken: expect.stringMatching(/^lc_/), expiresIn: 300 });
    expect(first.body.accessToken).toBeUndefined();

    // A code of the previous step still counts (clock drift), and is spent.
    const code = totpCode(world, secret, -1);
    const second = await api().post('/api/v1/auth/login/2fa').send({ challengeToken: first.body.challengeToken, code });
    expect(second.status).toBe(200);
    expect(second.body.accessToken).toBeDefined();
    expect(second.body.refreshToken).toBeDefined();
    // The challenge is spent.
    const spent = await api()
      .post('/api/v1/auth/login/2fa')
      .send({ challengeToken: first.body.challengeToken, code: totpCode(world, secret) });
    expect(spent.body.error.code).toBe('invalid_login_challenge');

    // Replay: the same code (or an older one) with a fresh challenge is refused.
    const replay = await login(user.email, user.password);
    const replayed = await api().post('/api/v1/auth/login/2fa').send({ challengeToken: replay.body.challengeToken, code });
    expect(replayed.status).toBe(400);
    expect(replayed.body.error.code).toBe('invalid_two_factor_code');
    // Two steps away is outside the window.
    const far = await api()
      .post('/api/v1/auth/login/2fa')
      .send({ challengeToken: replay.body.challengeToken, code: totpCode(world, secret, 2) });
    expect(far.body.error.code).toBe('invalid_two_factor_code');
    // A newer step is fine.
    expect(
      (
        await api()
          .post('/api/v1/auth/login/2fa')
          .send({ challengeToken: replay.body.challengeToken, code: totpCode(world, secret) })
      ).status,
    ).toBe(200);

    // Recovery codes: each once, with any case and dashes.
    const withRecovery = await login(user.email, user.password);
    const typed = recoveryCodes[0].toUpperCase();
    expect(
      (await api().post('/api/v1/auth/login/2fa').send({ challengeToken: withRecovery.body.challengeToken, recoveryCode: typed })).status,
    ).toBe(200);
    const again = await login(user.email, user.password);
    const reused = await api()
      .post('/api/v1/auth/login/2fa')
      .send({ challengeToken: again.body.challengeToken, recoveryCode: recoveryCodes[0] });
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_two_factor_code');
    expect((await api().get('/api/v1/me/2fa').set(bearer(second.body.accessToken))).body.recoveryCodesLeft).toBe(9);

    // A challenge expires (5 min).
    const late = await login(user.email, user.password);
    world.clock.advance(6 * 60_000);
    const expired = await api()
      .post('/api/v1/auth/login/2fa')
      .send({ challengeToken: late.body.challengeToken, code: totpCode(world, secret) });
    expect(expired.body.error.code).toBe('invalid_login_challenge');
  });

  it('second-step guesses are rate limited per user like login', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Guessed');
    const { secret } = await enableTotp(world, user);
    const statuses: number[] = [];
    const right = totpCode(world, secret);
    const wrongCode = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 14; i++) {
      const challenge = await login(user.email, user.password);
      const res = await api().post('/api/v1/auth/login/2fa').send({ challengeToken: challenge.body.challengeToken, code: wrongCode });
      statuses.push(res.status);
    }
    // RATE_LIMIT_2FA_USER 12/600 here; enabling spent one attempt (the confirm).
    expect(statuses.slice(0, 11)).toEqual(Array(11).fill(400));
    expect(statuses.slice(11)).toEqual([429, 429, 429]);
    // Even the right code waits for the window: the limit is per user, not per challenge.
    const challenge = await login(user.email, user.password);
    expect((await api().post('/api/v1/auth/login/2fa').send({ challengeToken: challenge.body.challengeToken, code: right })).status).toBe(
      429,
    );
  });

  it('disabling needs a current code; account owners need it before payouts and refunds', async () => {
    const owner = await signUp(world.platform.gatewayUrl, 'Paid owner');
    const gate = await api().post('/api/v1/billing/connect/onboarding').set(bearer(owner.token)).send({});
    expect(gate.status).toBe(403);
    expect(gate.body.error.code).toBe('two_factor_required');
    const { secret } = await enableTotp(world, owner);
    // Past the 2FA gate: billing (not running here) would answer next.
    expect((await api().post('/api/v1/billing/connect/onboarding').set(bearer(owner.token)).send({})).status).toBe(503);

    const noCode = await api()
      .post('/api/v1/me/2fa/totp/disable')
      .set(bearer(owner.token))
      .send({ code: totpCode(world, secret, -5) });
    expect(noCode.status).toBe(400);
    const short = await api().post('/api/v1/me/2fa/totp/disable').set(bearer(owner.token)).send({ code: '12345' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_failed');
    const off = await api()
      .post('/api/v1/me/2fa/totp/disable')
      .set(bearer(owner.token))
      .send({ code: totpCode(world, secret) });
    expect(off.status).toBe(204);
    expect((await api().get('/api/v1/me/2fa').set(bearer(owner.token))).body.enabled).toBe(false);
    expect((await login(owner.email, owner.password)).body.accessToken).toBeDefined();
    expect((await api().post('/api/v1/billing/connect/onboarding').set(bearer(owner.token)).send({})).body.error.code).toBe(
      'two_factor_required',
    );
    await mailTo(world, owner.email, /Two-factor sign-in was turned off/);
  });

  it('every route acts on the token’s user only, and needs one', async () => {
    const a = await signUp(world.platform.gatewayUrl, 'A');
    const b = await signUp(world.platform.gatewayUrl, 'B');
    const { secret } = await enableTotp(world, a);
    // B's token never touches A's enrolment: B has none, so B cannot confirm or disable A's with A's codes.
    expect((await api().get('/api/v1/me/2fa').set(bearer(b.token))).body.enabled).toBe(false);
    const disableB = await api()
      .post('/api/v1/me/2fa/totp/disable')
      .set(bearer(b.token))
      .send({ code: totpCode(world, secret) });
    expect(disableB.body.error.code).toBe('two_factor_not_enabled');
    const confirmB = await api()
      .post('/api/v1/me/2fa/totp/confirm')
      .set(bearer(b.token))
      .send({ code: totpCode(world, secret) });
    expect(confirmB.body.error.code).toBe('two_factor_not_enrolling');
    expect((await api().get('/api/v1/me/2fa').set(bearer(a.token))).body.enabled).toBe(true);
    for (const [method, path] of [
      ['get', '/api/v1/me/2fa'],
      ['post', '/api/v1/me/2fa/totp'],
      ['post', '/api/v1/me/2fa/totp/confirm'],
      ['post', '/api/v1/me/2fa/totp/disable'],
    ] as const) {
      expect((await api()[method](path).send({})).status).toBe(401);
    }
  });
});
