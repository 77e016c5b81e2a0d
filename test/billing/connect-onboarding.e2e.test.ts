import request from 'supertest';
import { createWorkspace, markEmailVerified, RunningPlatform, signUp, SignedUpUser, startPlatform, tapEvents } from '@fpms/harness';
import { ConnectDriver, connectState, onlyStripeAccount, startOnboarding, statusChanges } from './connect-support';

/**
 * Connect onboarding through the gateway, with Stripe's account events delivered to billing's
 * handler the way the webhook processor delivers them (in whatever order, as often as a test
 * likes). The emulator plays Stripe and the freelancer filling in its forms.
 */
describe('Connect onboarding', () => {
  let platform: RunningPlatform;
  let driver: ConnectDriver;
  let tap: Awaited<ReturnType<typeof tapEvents>>;

  const state = async (user: SignedUpUser) => {
    const res = await connectState(platform.gatewayUrl, user);
    expect(res.status).toBe(200);
    return res.body;
  };
  const onboard = async (user: SignedUpUser) => {
    const res = await startOnboarding(platform.gatewayUrl, user);
    if (res.status !== 200) throw new Error(`onboarding: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { url: string; expiresAt: string };
  };
  const changesOf = async (user: SignedUpUser, expected: string[]) => {
    await tap.waitFor((events) => statusChanges(events, user.accountId).length >= expected.length);
    return statusChanges(tap.events, user.accountId);
  };
  /** A freelancer with a connected account whose first state (pending) was published. */
  const onboarded = async (name: string) => {
    const user = await signUp(platform.gatewayUrl, name);
    await onboard(user);
    return { user, stripeAccountId: await onlyStripeAccount(driver, user) };
  };

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace', 'billing'] });
    driver = new ConnectDriver(platform);
    tap = await tapEvents(['billing.connect.#'], { amqpUrl: platform.amqpUrl });
  });

  afterAll(async () => {
    await tap?.close();
    await platform?.close();
  });

  it('starts at not_started; onboarding creates one connected account however many calls race, each answering a fresh link', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Racing Freelancer');
    expect(await state(owner)).toEqual({
      status: 'not_started',
      chargesEnabled: false,
      payoutsEnabled: false,
      requirements: [],
      updatedAt: null,
    });

    const links = await Promise.all(Array.from({ length: 6 }, () => onboard(owner)));
    const again = await onboard(owner);
    expect(await driver.stripeAccountsOf(owner.accountId)).toHaveLength(1);
    const urls = [...links, again].map((l) => l.url);
    expect(new Set(urls).size).toBe(urls.length);
    for (const link of [...links, again]) {
      expect(link.url).toMatch(/\/_emulator\/connect\/onboarding\//);
      expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now() - 1000);
    }

    const pending = await state(owner);
    expect(pending).toMatchObject({ status: 'pending', chargesEnabled: false, payoutsEnabled: false, updatedAt: expect.any(String) });
    expect(pending.requirements).toEqual(
      expect.arrayContaining([
        'Needed now: your date of birth',
        'Needed now: a bank account for payouts',
        "Needed now: acceptance of Stripe's terms of service",
      ]),
    );
    // Created once, and refreshing an unchanged account published nothing more.
    expect(await changesOf(owner, ['1:pending'])).toEqual(['1:pending']);
  });

  it('following the link completes onboarding; account.updated makes it enabled with payouts, once however often it arrives', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Completing Freelancer');
    const link = await onboard(owner);
    const stripeAccountId = await onlyStripeAccount(driver, owner);

    // The freelancer fills in Stripe's forms and comes back to the web app.
    const hosted = await fetch(link.url, { redirect: 'manual' });
    expect(hosted.status).toBe(302);
    expect(hosted.headers.get('location')).toMatch(/\/settings\/payouts\?onboarding=done$/);

    const completed = await driver.newestAccountEvent(stripeAccountId);
    await driver.deliver(completed);
    await driver.deliver(completed);
    await Promise.all([driver.deliver(completed), driver.deliver(completed)]);
    expect(await state(owner)).toMatchObject({ status: 'enabled', chargesEnabled: true, payoutsEnabled: true, requirements: [] });
    expect(await changesOf(owner, ['1:pending', '2:enabled'])).toEqual(['1:pending', '2:enabled']);

    // Events of the platform endpoint are about the platform's own account: not this one.
    await driver.control.setOnboarding(stripeAccountId, 'restricted');
    await driver.deliver(await driver.newestAccountEvent(stripeAccountId), 'platform');
    expect((await state(owner)).status).toBe('enabled');
  });

  it('reads restricted and pending verification, with what Stripe asks in words', async () => {
    const { user, stripeAccountId } = await onboarded('Restricted Freelancer');
    await driver.deliver(await driver.setOnboarding(stripeAccountId, 'complete'));
    await driver.deliver(await driver.setOnboarding(stripeAccountId, 'restricted'));
    expect(await state(user)).toMatchObject({
      status: 'restricted',
      chargesEnabled: false,
      payoutsEnabled: false,
      requirements: ['Overdue: an identity document', 'Payouts are paused until the overdue information is provided.'],
    });

    await driver.deliver(await driver.setOnboarding(stripeAccountId, 'pending_verification'));
    expect(await state(user)).toMatchObject({
      status: 'pending',
      payoutsEnabled: false,
      requirements: [
        'Being verified by Stripe: your national ID number',
        'Being verified by Stripe: an identity document',
        'Stripe is verifying the information you provided.',
      ],
    });
    expect(await changesOf(user, ['1:pending', '2:enabled', '3:restricted', '4:pending'])).toEqual([
      '1:pending',
      '2:enabled',
      '3:restricted',
      '4:pending',
    ]);
  });

  it('never rolls back: an older account.updated after a newer one, or one whose payload is outdated, leaves the newest state', async () => {
    const { user, stripeAccountId } = await onboarded('Out-of-order Freelancer');
    const enabledEvent = await driver.setOnboarding(stripeAccountId, 'complete');
    await driver.control.advanceClock(120);
    const restrictedEvent = await driver.setOnboarding(stripeAccountId, 'restricted');
    expect(restrictedEvent.created).toBeGreaterThan(enabledEvent.created);

    // Newer first, then the older one (its payload says enabled): stale by `created`, skipped.
    await driver.deliver(restrictedEvent);
    await driver.deliver(enabledEvent);
    expect((await state(user)).status).toBe('restricted');

    // Two changes in the same second: `created` cannot order them, so billing asks Stripe.
    const sameSecondEnabled = await driver.setOnboarding(stripeAccountId, 'complete');
    const sameSecondRestricted = await driver.setOnboarding(stripeAccountId, 'restricted');
    await driver.deliver(sameSecondRestricted);
    await driver.deliver(sameSecondEnabled);
    // Its payload alone would have said enabled.
    expect((sameSecondEnabled.data.object as { charges_enabled: boolean }).charges_enabled).toBe(true);
    expect(await state(user)).toMatchObject({ status: 'restricted', payoutsEnabled: false });
    expect(await changesOf(user, ['1:pending', '2:restricted'])).toEqual(['1:pending', '2:restricted']);
  });

  it('refreshes from Stripe when the freelancer asks for a link again, before any webhook came', async () => {
    const { user, stripeAccountId } = await onboarded('Impatient Freelancer');
    const completed = await driver.setOnboarding(stripeAccountId, 'complete');
    await onboard(user);
    expect(await state(user)).toMatchObject({ status: 'enabled', payoutsEnabled: true });
    // The webhook arriving afterwards finds nothing new.
    await driver.deliver(completed);
    expect(await changesOf(user, ['1:pending', '2:enabled'])).toEqual(['1:pending', '2:enabled']);
    expect(await driver.stripeAccountsOf(user.accountId)).toHaveLength(1);
  });

  it('adopts a connected account whose onboarding never recorded it, from its metadata, without creating a second', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Crashed-onboarding Freelancer');
    // As if the onboarding transaction had died after Stripe created the account.
    const orphan = await driver.stripe.accounts.create(
      {
        type: 'express',
        capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
        metadata: { fpms_account_id: owner.accountId },
      },
      { idempotencyKey: `connect-account:${owner.accountId}` },
    );
    await driver.deliver(await driver.setOnboarding(orphan.id, 'complete'));
    expect(await state(owner)).toMatchObject({ status: 'enabled', payoutsEnabled: true });
    await onboard(owner);
    expect((await driver.stripeAccountsOf(owner.accountId)).map((a) => a.id)).toEqual([orphan.id]);
    expect(await changesOf(owner, ['1:enabled'])).toEqual(['1:enabled']);
  });

  it('deauthorization is final: later events change nothing and onboarding is refused', async () => {
    const { user, stripeAccountId } = await onboarded('Leaving Freelancer');
    await driver.deliver(await driver.setOnboarding(stripeAccountId, 'complete'));
    const deauthorized = await driver.deauthorizationEvent(stripeAccountId);
    await driver.deliver(deauthorized);
    await driver.deliver(deauthorized);
    expect(await state(user)).toMatchObject({ status: 'deauthorized', chargesEnabled: false, payoutsEnabled: false, requirements: [] });

    await driver.control.advanceClock(60);
    await driver.deliver(await driver.setOnboarding(stripeAccountId, 'restricted'));
    expect((await state(user)).status).toBe('deauthorized');
    const refused = await startOnboarding(platform.gatewayUrl, user);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'connect_account_deauthorized', requestId: expect.any(String) });
    expect(await changesOf(user, ['1:pending', '2:enabled', '3:deauthorized'])).toEqual(['1:pending', '2:enabled', '3:deauthorized']);
  });

  it('refuses a user who owns no account (an invited client) with 403 and the error body, on both routes', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Inviting Freelancer');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    const invitation = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set({ Authorization: `Bearer ${owner.token}` })
      .send({ role: 'client_admin' });
    const client = await request(platform.gatewayUrl)
      .post(`/api/v1/invitations/${invitation.body.token}/signup`)
      .send({ email: `client-${Date.now()}@example.test`, password: 'client pass phrase', name: 'Client Co' });
    expect(client.status).toBe(201);
    // Verified, so the answer is billing's about owning an account (an unverified one meets the email gate first).
    await markEmailVerified(platform.gatewayUrl, client.body.user.id);
    for (const res of [
      await connectState(platform.gatewayUrl, { token: client.body.accessToken }),
      await startOnboarding(platform.gatewayUrl, { token: client.body.accessToken }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'connect_account_owner_required',
        message: expect.any(String),
        requestId: expect.any(String),
      });
    }
    expect((await request(platform.gatewayUrl).get('/api/v1/billing/connect')).status).toBe(401);
  });
});
