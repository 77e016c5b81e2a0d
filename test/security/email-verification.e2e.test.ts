import { bearer, createWorkspace, inviteAndJoin, signUp, SignedUpUser } from '@fpms/testing';
import { linkToken, mailTo, someId, startSecurityWorld, SecurityWorld, unverifiedUser } from './security-world';

/**
 * Issue 18, part 1: verified emails gate money actions; password reset by email. Runs with
 * the product's defaults (the harness's signUp shortcut is not used for the users under test).
 */
describe('verified emails and password reset', () => {
  let world: SecurityWorld;
  const api = () => world.api();

  beforeAll(async () => {
    world = await startSecurityWorld();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('signup emails a single-use verification link; until it is used the user reads but every money action answers 403 email_not_verified', async () => {
    const owner = await signUp(world.platform.gatewayUrl, 'Verified Owner');
    const workspace = await createWorkspace(world.platform.gatewayUrl, owner);
    // A client who signed up (unverified) and joined through an open invitation.
    const client = await unverifiedUser(world, 'Client');
    await inviteAndJoin(world.platform.gatewayUrl, owner, workspace.id, 'client_admin', client);

    const mail = await mailTo(world, client.email, /Verify your email/);
    expect(mail.text).toContain('/verify-email?token=ev_');

    const me = await api().get('/api/v1/me').set(bearer(client.token));
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ emailVerified: false, twoFactorEnabled: false });
    expect((await api().get(`/api/v1/workspaces/${workspace.id}/milestones`).set(bearer(client.token))).status).toBe(200);

    const milestone = `/api/v1/workspaces/${workspace.id}/milestones/${someId()}`;
    const moneyActions: Array<[string, string, object]> = [
      ['fund', `${milestone}/fund`, {}],
      ['pay', `${milestone}/pay`, {}],
      ['approve', `${milestone}/approve`, {}],
      ['request a refund', `${milestone}/request-refund`, {}],
      ['refund', `${milestone}/refunds`, { amount: 100 }],
      ['accept a refund request', `${milestone}/refund-request/accept`, {}],
      ['receive payouts', '/api/v1/billing/connect/onboarding', {}],
      ['save the card paying hourly weeks', `/api/v1/workspaces/${workspace.id}/hourly-contract/payment-method`, {}],
    ];
    const answers = async (user: SignedUpUser) => {
      const out: string[] = [];
      for (const [what, path, body] of moneyActions) {
        const res = await api().post(path).set(bearer(user.token)).send(body);
        out.push(`${what}: ${res.status} ${res.body.error?.code ?? ''}`);
      }
      return out;
    };
    expect(await answers(client)).toEqual(moneyActions.map(([what]) => `${what}: 403 email_not_verified`));

    // The link verifies once; the same link again is refused.
    const token = linkToken(mail.text);
    const verified = await api().post('/api/v1/auth/verify-email').send({ token });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ emailVerified: true });
    const again = await api().post('/api/v1/auth/verify-email').send({ token });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_email_token');

    // Past the gate now, with the same access token: the answer is the service's (a milestone that does not
    // exist; billing, which does not run here, 503).
    const after = await answers(client);
    expect(after.every((a) => !a.includes('email_not_verified'))).toBe(true);
    expect(after).toContain('approve: 404 milestone_not_found');
    expect(after).toContain('fund: 503 service_unavailable');
    expect(after).toContain('save the card paying hourly weeks: 503 service_unavailable');
    expect((await api().get('/api/v1/me').set(bearer(client.token))).body.user.emailVerified).toBe(true);
  });

  it('an email-bound invitation waits for a verified address; an invited signup keeps the user and joins after verification', async () => {
    const owner = await signUp(world.platform.gatewayUrl, 'Inviting Owner');
    const workspace = await createWorkspace(world.platform.gatewayUrl, owner);
    const invitee = await unverifiedUser(world, 'Bound invitee');
    const bound = await api()
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'client_admin', email: invitee.email });
    expect(bound.status).toBe(201);
    const refused = await api().post(`/api/v1/invitations/${bound.body.token}/accept`).set(bearer(invitee.token)).send();
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('email_not_verified');

    const mail = await mailTo(world, invitee.email, /Verify your email/);
    expect(
      (
        await api()
          .post('/api/v1/auth/verify-email')
          .send({ token: linkToken(mail.text) })
      ).status,
    ).toBe(200);
    const accepted = await api().post(`/api/v1/invitations/${bound.body.token}/accept`).set(bearer(invitee.token)).send();
    expect(accepted.status).toBe(201);
    expect(accepted.body.id).toBe(workspace.id);

    // Signing up through a bound invitation: the user exists and is signed in; the seat waits.
    const email = `bound-${someId()}@example.test`;
    const second = await api()
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set(bearer(invitee.token))
      .send({ role: 'client_viewer', email });
    expect(second.status).toBe(201);
    const signup = await api()
      .post(`/api/v1/invitations/${second.body.token}/signup`)
      .send({ email, password: 'client pass phrase', name: 'Bound signup' });
    expect(signup.status).toBe(201);
    expect(signup.body.workspace).toBeNull();
    const link = linkToken((await mailTo(world, email, /Verify your email/)).text);
    expect((await api().post('/api/v1/auth/verify-email').send({ token: link })).status).toBe(200);
    const joined = await api().post(`/api/v1/invitations/${second.body.token}/accept`).set(bearer(signup.body.accessToken)).send();
    expect(joined.status).toBe(201);
  });

  it('resending is rate limited; only the newest link works; a link past 24 h is refused', async () => {
    const user = await unverifiedUser(world, 'Resender');
    const first = linkToken((await mailTo(world, user.email, /Verify your email/)).text);
    const resent = await api().post('/api/v1/me/email/verification').set(bearer(user.token)).send({});
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ emailVerified: false, sent: true });
    const second = linkToken((await mailTo(world, user.email, /Verify your email/, 2)).text);
    expect(second).not.toBe(first);
    // The earlier link was superseded.
    expect((await api().post('/api/v1/auth/verify-email').send({ token: first })).body.error.code).toBe('invalid_email_token');

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api().post('/api/v1/me/email/verification').set(bearer(user.token)).send({})).status);
    expect(statuses).toEqual([202, 202, 429]);

    world.clock.advance(25 * 3_600_000);
    try {
      const latest = linkToken((await mailTo(world, user.email, /Verify your email/, 4)).text);
      const expired = await api().post('/api/v1/auth/verify-email').send({ token: latest });
      expect(expired.status).toBe(400);
      expect(expired.body.error.code).toBe('invalid_email_token');
    } finally {
      world.clock.advance(-25 * 3_600_000);
    }
  });

  it('changing the email re-verifies the new address and tells the old one', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Mover');
    const newEmail = `moved-${someId()}@example.test`;
    const wrong = await api().put('/api/v1/me/email').set(bearer(user.token)).send({ email: newEmail, password: 'not my password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_password');
    const changed = await api().put('/api/v1/me/email').set(bearer(user.token)).send({ email: newEmail, password: user.password });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ email: newEmail, emailVerified: false });
    const notice = await mailTo(world, user.email, /email address of your FPMS account was changed/);
    expect(notice.text).toContain(newEmail);
    await mailTo(world, newEmail, /Verify your email/);
    const gated = await api().post('/api/v1/billing/connect/onboarding').set(bearer(user.token)).send({});
    expect(gated.body.error.code).toBe('email_not_verified');
    // A taken address is refused.
    const other = await signUp(world.platform.gatewayUrl, 'Other');
    const taken = await api().put('/api/v1/me/email').set(bearer(other.token)).send({ email: newEmail, password: other.password });
    expect(taken.status).toBe(409);
  });

  it('password reset: one answer whether the email exists or not; the link works once, within 1 h, and revokes every session', async () => {
    const users = [await signUp(world.platform.gatewayUrl, 'Forgetful A'), await signUp(world.platform.gatewayUrl, 'Forgetful B')];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const [list, email] of [
        [known, users[round].email],
        [unknown, `nobody-${someId()}@example.test`],
      ] as const) {
        const started = process.hrtime.bigint();
        const res = await api().post('/api/v1/auth/password-reset').send({ email });
        list.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect({ status: res.status, body: res.body }).toEqual({ status: 202, body: { accepted: true } });
      }
    }
    // No lookup happens before the answer: the times differ by noise only (generous bound for a loaded CI).
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(50);

    const [user] = users;
    const mail = await mailTo(world, user.email, /Reset your FPMS password/);
    const token = linkToken(mail.text);
    expect(token).toMatch(/^pr_/);
    const newPassword = 'a brand new pass phrase';
    const done = await api().post('/api/v1/auth/password-reset/confirm').send({ token, password: newPassword });
    expect(done.status).toBe(204);
    // Every session of the user ended: the refresh token from signup no longer works.
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(401);
    expect((await api().post('/api/v1/auth/login').send({ email: user.email, password: newPassword })).status).toBe(200);
    // Single use.
    const reused = await api().post('/api/v1/auth/password-reset/confirm').send({ token, password: 'yet another pass phrase' });
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_email_token');
    await mailTo(world, user.email, /Your FPMS password was changed/);

    // Past the hour, a link is refused.
    const late = users[1];
    const lateToken = linkToken((await mailTo(world, late.email, /Reset your FPMS password/)).text);
    world.clock.advance(61 * 60_000);
    try {
      const expired = await api().post('/api/v1/auth/password-reset/confirm').send({ token: lateToken, password: newPassword });
      expect(expired.status).toBe(400);
    } finally {
      world.clock.advance(-61 * 60_000);
    }
    // Unknown addresses got nothing.
    expect(world.smtp.messages.filter((m) => /Reset your/.test(m.subject ?? '')).length).toBe(2);
  });

  it('validates input with the error envelope', async () => {
    const res = await api().post('/api/v1/auth/password-reset').send({ email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed' });
    const weak = await api().post('/api/v1/auth/password-reset/confirm').send({ token: 'pr_x', password: 'short' });
    expect(weak.status).toBe(400);
    const garbage = await api().post('/api/v1/auth/verify-email').send({ token: 'garbage' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('invalid_email_token');
    expect((await api().post('/api/v1/me/email/verification').send({})).status).toBe(401);
  });
});
