import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { PLAN_FEATURE_SETS, PLAN_LIMITS } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  tapEvents,
  TestS3,
} from '@fpms/harness';
import { SubscriptionLockoutWorker } from '../../apps/billing/src/subscriptions/subscription-lockout.worker';

const DAY = 86_400;
type Tap = Awaited<ReturnType<typeof tapEvents>>;

/**
 * Plans and subscriptions end to end: the gateway's routes, billing, the Stripe emulator's
 * Checkout, prorations, schedules and renewals, and the entitlements billing publishes.
 * Subscription state is only ever written by Stripe's webhooks: every assertion on it waits
 * for them.
 */
describe('subscriptions: plans bought, changed, cancelled and locked through Stripe', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let stripe: Stripe;
  let billingDb: DataSource;
  let tap: Tap;
  let billingClock: Clock;
  let clockOffsetMs = 0;

  const api = () => request(platform.gatewayUrl);
  const emulator = () => platform.stripe!.emulator.control;
  const getSubscription = (user: SignedUpUser) => api().get('/api/v1/billing/subscription').set(bearer(user.token));
  const checkout = (user: SignedUpUser, body: object) => api().post('/api/v1/billing/checkout').set(bearer(user.token)).send(body);
  const change = (user: SignedUpUser, body: object) => api().post('/api/v1/billing/subscription/change').set(bearer(user.token)).send(body);
  const cancel = (user: SignedUpUser) => api().post('/api/v1/billing/subscription/cancel').set(bearer(user.token)).send();
  const entitlementsOf = (accountId: string) =>
    tap.events.filter((e) => e.routingKey === 'billing.entitlements.changed' && e.body.aggregateId === accountId);
  const eventsOf = (accountId: string) => tap.events.filter((e) => e.body.aggregateId === accountId);
  const versionOf = (e: Tap['events'][number]) => (e.body as unknown as { aggregateVersion: number }).aggregateVersion;
  const subscriptionIdOf = async (accountId: string): Promise<string> =>
    (await billingDb.query(`select stripe_subscription_id from billing_subscriptions where account_id = $1`, [accountId]))[0]
      .stripe_subscription_id;
  const customerOf = async (accountId: string): Promise<string> =>
    (await billingDb.query(`select stripe_customer_id from billing_subscriptions where account_id = $1`, [accountId]))[0]
      .stripe_customer_id;
  const billingPlan = async (accountId: string): Promise<string> =>
    (await billingDb.query(`select plan from billing_accounts where account_id = $1`, [accountId]))[0]?.plan;
  const settle = async () => {
    await emulator().drainWebhooks();
  };
  const waitForSubscription = (user: SignedUpUser, what: string, ok: (body: Record<string, unknown>) => boolean) =>
    eventually(what, async () => {
      const res = await getSubscription(user);
      return res.status === 200 && ok(res.body) ? (res.body as Record<string, unknown>) : null;
    });

  /** Checkout → the emulator's hosted page paid → Stripe's webhooks → active. */
  async function subscribe(user: SignedUpUser, plan: string, interval = 'month'): Promise<string> {
    const res = await checkout(user, { plan, interval });
    expect(res.status).toBe(200);
    await emulator().completeCheckout(res.body.checkoutSessionId);
    await settle();
    await waitForSubscription(user, `${plan} active`, (b) => b.plan === plan && b.status === 'active');
    return subscriptionIdOf(user.accountId);
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing'],
      env: { files: s3.filesEnv(), billing: { SUBSCRIPTION_LOCK_POLL_MS: '0', SUBSCRIPTION_GRACE_DAYS: '7' } },
    });
    const emu = platform.stripe!.emulator;
    stripe = new Stripe(emu.apiKey, { ...emu.stripeConfig, maxNetworkRetries: 2 });
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    tap = await tapEvents(['billing.entitlements.changed', 'billing.account.plan_changed'], { amqpUrl: platform.amqpUrl });
    // Billing's business clock runs ahead by hand (the lock timer); tokens and signatures stay on the wall clock.
    billingClock = platform.apps.billing!.get(Clock);
    billingClock.now = () => new Date(Date.now() + clockOffsetMs);
  });
  afterAll(async () => {
    await tap?.close();
    await billingDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  describe('one account through its plans', () => {
    let owner: SignedUpUser;
    let subId: string;

    beforeAll(async () => {
      owner = await signUp(platform.gatewayUrl, 'Plan Owner');
      await createWorkspace(platform.gatewayUrl, owner, 'First engagement');
    });

    it('starts free: no subscription, usage against the free limits', async () => {
      const res = await getSubscription(owner);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        plan: 'free',
        status: 'none',
        standing: 'active',
        interval: null,
        currentPeriod: null,
        pendingChange: null,
        nextInvoice: null,
        version: 0,
        platformFeeBps: 500,
        features: [],
      });
      expect(res.body.usage).toEqual({
        activeWorkspaces: { used: 1, limit: PLAN_LIMITS.free.activeWorkspaces },
        membersPerWorkspace: { used: 1, limit: PLAN_LIMITS.free.membersPerWorkspace },
        milestonesPerMonth: { used: 0, limit: PLAN_LIMITS.free.milestonesPerMonth },
        storageQuotaBytes: { used: 0, limit: PLAN_LIMITS.free.storageQuotaBytes },
        maxFileSizeBytes: { used: null, limit: PLAN_LIMITS.free.maxFileSizeBytes },
      });
    });

    it('subscribes to pro through Checkout: active after Stripe says so, pro entitlements published once, the fee follows', async () => {
      const first = await checkout(owner, { plan: 'pro', interval: 'month' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        plan: 'pro',
        interval: 'month',
        checkoutUrl: expect.stringContaining(first.body.checkoutSessionId),
      });
      // A second click answers the same page, and the account keeps its one customer.
      const again = await checkout(owner, { plan: 'pro', interval: 'month' });
      expect(again.body.checkoutSessionId).toBe(first.body.checkoutSessionId);
      const session = await stripe.checkout.sessions.retrieve(first.body.checkoutSessionId);
      expect(session).toMatchObject({ mode: 'subscription', customer: await customerOf(owner.accountId) });
      // Nothing changes before Stripe's webhooks: the route wrote no subscription state.
      expect((await getSubscription(owner)).body).toMatchObject({ plan: 'free', status: 'none' });

      await emulator().completeCheckout(first.body.checkoutSessionId);
      await settle();
      const active = await waitForSubscription(owner, 'pro active', (b) => b.plan === 'pro' && b.status === 'active');
      subId = await subscriptionIdOf(owner.accountId);
      const sub = await stripe.subscriptions.retrieve(subId);
      expect(active).toMatchObject({
        interval: 'month',
        cancelAtPeriodEnd: false,
        currentPeriod: {
          start: new Date(sub.items.data[0].current_period_start * 1000).toISOString(),
          end: new Date(sub.items.data[0].current_period_end * 1000).toISOString(),
        },
        nextInvoice: { amount: 2_900, currency: 'USD', date: new Date(sub.items.data[0].current_period_end * 1000).toISOString() },
        features: [...PLAN_FEATURE_SETS.pro],
        platformFeeBps: 200,
        version: 1,
      });
      expect((active.usage as Record<string, { limit: number }>).activeWorkspaces.limit).toBe(PLAN_LIMITS.pro.activeWorkspaces);

      await tap.waitFor(() => eventsOf(owner.accountId).length >= 2);
      await new Promise((r) => setTimeout(r, 500));
      const events = eventsOf(owner.accountId);
      expect(events.map((e) => [e.routingKey, versionOf(e)]).sort()).toEqual([
        ['billing.account.plan_changed', 1],
        ['billing.entitlements.changed', 1],
      ]);
      expect(entitlementsOf(owner.accountId)[0].body.data).toEqual({
        accountId: owner.accountId,
        plan: 'pro',
        standing: 'active',
        limits: { ...PLAN_LIMITS.pro },
        features: [...PLAN_FEATURE_SETS.pro],
        platformFeeBps: 200,
        pastDueSince: null,
        locksAt: null,
      });
      expect(await billingPlan(owner.accountId)).toBe('pro');
      expect(
        (await billingDb.query(`select count(*)::int as n from billing_subscriptions where account_id = $1`, [owner.accountId]))[0].n,
      ).toBe(1);

      const twice = await checkout(owner, { plan: 'enterprise', interval: 'month' });
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('subscription_exists');
    });

    it('upgrades mid-period at once, with Stripe’s prorations on an invoice paid now', async () => {
      await emulator().advanceClock(10 * DAY);
      const res = await change(owner, { plan: 'enterprise' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ subscriptionId: subId, plan: 'enterprise', interval: 'month', at: 'now' });
      await settle();
      await waitForSubscription(owner, 'enterprise', (b) => b.plan === 'enterprise' && b.version === 2);

      const sub = await stripe.subscriptions.retrieve(subId);
      const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
      const period = { start: sub.items.data[0].current_period_start, end: sub.items.data[0].current_period_end };
      const at = invoice.lines.data[0].period.start;
      expect(at - period.start).toBeGreaterThanOrEqual(10 * DAY);
      expect(at - period.start).toBeLessThan(10 * DAY + 600);
      const share = (period.end - at) / (period.end - period.start);
      expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid' });
      expect(invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration])).toEqual([
        [-Math.round(2_900 * share), true],
        [Math.round(9_900 * share), true],
      ]);
      expect(invoice.amount_paid).toBe(Math.round(9_900 * share) - Math.round(2_900 * share));
      expect(entitlementsOf(owner.accountId).map(versionOf)).toEqual([1, 2]);
      expect(entitlementsOf(owner.accountId)[1].body.data).toMatchObject({ plan: 'enterprise', platformFeeBps: 100 });
      expect(await billingPlan(owner.accountId)).toBe('enterprise');
    });

    it('downgrades at the period end: shown as pending, the entitlements change only when the period ends', async () => {
      const res = await change(owner, { plan: 'pro' });
      expect(res.status).toBe(200);
      const sub = await stripe.subscriptions.retrieve(subId);
      const end = new Date(sub.items.data[0].current_period_end * 1000).toISOString();
      expect(res.body).toMatchObject({ plan: 'pro', at: 'period_end', effectiveAt: end });
      await settle();
      const pending = await waitForSubscription(owner, 'pending downgrade', (b) => b.pendingChange !== null);
      expect(pending).toMatchObject({
        plan: 'enterprise',
        pendingChange: { plan: 'pro', interval: 'month', at: end },
        nextInvoice: { amount: 2_900, currency: 'USD', date: end },
        version: 2,
      });
      // Asking again changes nothing (the schedule is there).
      expect((await change(owner, { plan: 'pro' })).status).toBe(200);
      await settle();
      await new Promise((r) => setTimeout(r, 500));
      expect(entitlementsOf(owner.accountId).map(versionOf)).toEqual([1, 2]);

      await emulator().advanceToRenewal(subId);
      await settle();
      const after = await waitForSubscription(owner, 'pro from the renewal', (b) => b.plan === 'pro');
      expect(after).toMatchObject({ pendingChange: null, version: 3, status: 'active' });
      const renewal = await stripe.invoices.retrieve((await stripe.subscriptions.retrieve(subId)).latest_invoice as string);
      expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 2_900 });
      expect(entitlementsOf(owner.accountId).map((e) => [versionOf(e), (e.body.data as { plan: string }).plan])).toEqual([
        [1, 'pro'],
        [2, 'enterprise'],
        [3, 'pro'],
      ]);
    });

    it('cancels at the period end: the plan holds until then, then the account is free', async () => {
      const res = await cancel(owner);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ subscriptionId: subId, at: 'period_end' });
      await settle();
      const cancelling = await waitForSubscription(owner, 'cancel at period end', (b) => b.cancelAtPeriodEnd === true);
      expect(cancelling).toMatchObject({ plan: 'pro', status: 'active', nextInvoice: null, version: 3 });
      expect((await cancel(owner)).status).toBe(200);

      await emulator().advanceToRenewal(subId);
      await settle();
      const ended = await waitForSubscription(owner, 'free again', (b) => b.plan === 'free');
      expect(ended).toMatchObject({ status: 'canceled', currentPeriod: null, nextInvoice: null, version: 4, platformFeeBps: 500 });
      expect(await billingPlan(owner.accountId)).toBe('free');
      const noSub = await change(owner, { plan: 'pro' });
      expect(noSub.status).toBe(404);
      expect(noSub.body.error.code).toBe('subscription_not_found');
      expect((await cancel(owner)).status).toBe(404);
      // Free again, the owner may buy again (same customer).
      const again = await checkout(owner, { plan: 'pro', interval: 'year' });
      expect(again.status).toBe(200);
      expect((await stripe.checkout.sessions.retrieve(again.body.checkoutSessionId)).customer).toBe(await customerOf(owner.accountId));
    });
  });

  it('a failed renewal: past_due with a grace period, locked when it ends unpaid, active at once when paid', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Late Payer');
    const subId = await subscribe(owner, 'pro');
    await emulator().failNextRenewal(subId, 10);
    const renewed = await emulator().advanceToRenewal(subId);
    await settle();
    const pastDue = await waitForSubscription(owner, 'past_due', (b) => b.standing === 'past_due');
    const failure = (await stripe.invoices.list({ subscription: subId, status: 'open' })).data[0];
    expect(failure).toMatchObject({ billing_reason: 'subscription_cycle', period_end: renewed.items.data[0].current_period_start });
    const since = new Date(pastDue.pastDueSince as string).getTime();
    expect(Math.abs(since - renewed.items.data[0].current_period_start * 1000)).toBeLessThan(120_000);
    expect(pastDue).toMatchObject({ plan: 'pro', locksAt: new Date(since + 7 * DAY * 1000).toISOString(), version: 2 });
    const locksAt = new Date(pastDue.locksAt as string).getTime();

    const worker = platform.apps.billing!.get(SubscriptionLockoutWorker);
    clockOffsetMs = locksAt - Date.now() - 60_000;
    expect(await worker.runOnce()).toEqual({ locked: 0 });
    clockOffsetMs = locksAt - Date.now() + 1_000;
    expect(await worker.runOnce()).toEqual({ locked: 1 });
    expect(await worker.runOnce()).toEqual({ locked: 0 });
    expect((await getSubscription(owner)).body).toMatchObject({
      standing: 'locked',
      pastDueSince: pastDue.pastDueSince,
      locksAt: null,
      version: 3,
    });

    await emulator().failNextRenewal(subId, 0);
    await stripe.invoices.pay(failure.id);
    await settle();
    const active = await waitForSubscription(owner, 'active again', (b) => b.standing === 'active');
    expect(active).toMatchObject({ plan: 'pro', pastDueSince: null, locksAt: null, version: 4 });
    clockOffsetMs = 0;

    const standings = entitlementsOf(owner.accountId).map((e) => {
      const d = e.body.data as { standing: string; pastDueSince: string | null; locksAt: string | null };
      return [versionOf(e), d.standing, d.pastDueSince !== null, d.locksAt !== null];
    });
    expect(standings).toEqual([
      [1, 'active', false, false],
      [2, 'past_due', true, true],
      [3, 'locked', true, false],
      [4, 'active', false, false],
    ]);
  });

  it('subscription webhooks duplicated and shuffled end in Stripe’s one final state, versions strictly increasing', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Storm Owner');
    const { webhookEndpoints } = platform.stripe!;
    const eventTypes = [
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
      'invoice.paid',
      'invoice.payment_failed',
    ];
    await emulator().addWebhookFault(webhookEndpoints.platform, { mode: 'duplicate', copies: 2, concurrent: true, eventTypes });
    await emulator().addWebhookFault(webhookEndpoints.platform, {
      mode: 'shuffle',
      window: 50,
      seed: 11,
      flushAfterSeconds: 3600,
      eventTypes,
    });
    try {
      const started = await checkout(owner, { plan: 'pro', interval: 'month' });
      const { session } = await emulator().completeCheckout(started.body.checkoutSessionId);
      const subId = session.subscription as string;
      const sub = await stripe.subscriptions.retrieve(subId);
      await emulator().advanceClock(3 * DAY);
      await stripe.subscriptions.update(subId, {
        items: [{ id: sub.items.data[0].id, price: await priceOf('enterprise', 'month') }],
        proration_behavior: 'always_invoice',
      });
      await stripe.subscriptions.update(subId, { cancel_at_period_end: true });
      // Nothing delivered yet: still free.
      expect((await getSubscription(owner)).body).toMatchObject({ plan: 'free', version: 0 });
      await emulator().flushShuffled(webhookEndpoints.platform);
      await settle();
    } finally {
      await emulator().clearWebhookFaults(webhookEndpoints.platform);
    }
    const final = await waitForSubscription(owner, 'the final state', (b) => b.plan === 'enterprise' && b.cancelAtPeriodEnd === true);
    await eventually('every event processed', async () => {
      const rows = await billingDb.query(
        `select count(*)::int as n from stripe_webhook_events where status not in ('processed', 'ignored') and type = any($1)`,
        [eventTypes],
      );
      return rows[0].n === 0;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(final).toMatchObject({ status: 'active', pendingChange: null, nextInvoice: null });
    const versions = entitlementsOf(owner.accountId).map(versionOf);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[versions.length - 1]).toBe(final.version);
    const last = entitlementsOf(owner.accountId).at(-1)!.body.data as { plan: string };
    expect(last.plan).toBe('enterprise');
  });

  async function priceOf(plan: string, interval: string): Promise<string> {
    const prices = await stripe.prices.list({ limit: 100 });
    return prices.data.find((p) => p.lookup_key === `fpms_${plan}_${interval}`)!.id;
  }

  describe('who may, and what', () => {
    it('a user who owns no account (an invited client) gets 403 on every route', async () => {
      const owner = await signUp(platform.gatewayUrl, 'Inviting Owner');
      const workspace = await createWorkspace(platform.gatewayUrl, owner);
      const invitation = await api()
        .post(`/api/v1/workspaces/${workspace.id}/invitations`)
        .set(bearer(owner.token))
        .send({ role: 'client_admin' });
      const client = await api()
        .post(`/api/v1/invitations/${invitation.body.token}/signup`)
        .send({ email: `client-${Date.now()}@example.test`, password: 'client pass phrase', name: 'Client Co' });
      expect(client.status).toBe(201);
      const user = { token: client.body.accessToken } as SignedUpUser;
      for (const res of [
        await getSubscription(user),
        await checkout(user, { plan: 'pro', interval: 'month' }),
        await change(user, { plan: 'pro' }),
        await cancel(user),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'subscription_account_owner_required', requestId: expect.any(String) });
      }
      expect((await api().get('/api/v1/billing/subscription')).status).toBe(401);
    });

    it('refuses unknown plans, intervals and timings (400) and changes nothing', async () => {
      const owner = await signUp(platform.gatewayUrl, 'Bad Input');
      for (const body of [
        { plan: 'gold', interval: 'month' },
        { plan: 'free', interval: 'month' },
        { plan: 'pro', interval: 'week' },
        { plan: 'pro' },
        {},
      ]) {
        const res = await checkout(owner, body);
        expect([res.status, res.body.error?.code]).toEqual([400, expect.any(String)]);
      }
      for (const body of [{ plan: 'pro', at: 'tomorrow' }, { plan: 'pro', interval: 'day' }, { plan: 'platinum' }, {}]) {
        const res = await change(owner, body);
        expect(res.status).toBe(400);
      }
      expect(
        (await billingDb.query(`select count(*)::int as n from billing_subscriptions where account_id = $1`, [owner.accountId]))[0].n,
      ).toBe(0);
    });

    it('another account’s subscription is never visible or changeable', async () => {
      const subscriber = await signUp(platform.gatewayUrl, 'Subscriber');
      await subscribe(subscriber, 'pro');
      const other = await signUp(platform.gatewayUrl, 'Neighbour');
      const res = await getSubscription(other);
      expect(res.body).toMatchObject({ plan: 'free', status: 'none', version: 0, currentPeriod: null });
      expect((await change(other, { plan: 'enterprise' })).status).toBe(404);
      expect((await cancel(other)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 300));
      expect((await getSubscription(subscriber)).body).toMatchObject({ plan: 'pro', cancelAtPeriodEnd: false });
      // The runtime role sees only the tenant it is scoped to (RLS), whatever the query asks.
      const app = await connectServiceDb('billing', 'app', platform.dbPrefix);
      try {
        const rows = await app.transaction(async (m) => {
          await m.query(`select set_config('app.account_id', $1, true)`, [other.accountId]);
          return m.query(`select account_id from billing_subscriptions`);
        });
        expect(rows).toEqual([]);
      } finally {
        await app.destroy();
      }
    });
  });
});
