import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { PLAN_LIMITS } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  inviteAndJoin,
  onboardToConnect,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  tapEvents,
  TestS3,
} from '@fpms/harness';
import { SubscriptionLockoutWorker } from '../../apps/billing/src/subscriptions/subscription-lockout.worker';
import { uploadFile } from '../files/files-fixtures';

type Tap = Awaited<ReturnType<typeof tapEvents>>;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * One freelancer's plan story with every half running together: billing's subscriptions
 * driven through the Stripe emulator (Checkout, period-end cancellation, renewals, a failed
 * renewal) and the enforcement in workspace and files, fed only by the entitlements billing
 * publishes. Everything asserted is what the user sees through the gateway; the entitlement
 * versions are read off the bus and the services' projections to say which one applies.
 * test/subscriptions/subscriptions.e2e.test.ts covers billing's side in detail,
 * test/entitlements/* the enforcement route by route.
 */
describe('plans end to end: what the user notices as Stripe bills the account', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let stripe: Stripe;
  let billingDb: DataSource;
  let workspaceDb: DataSource;
  let filesDb: DataSource;
  let tap: Tap;
  let clockOffsetMs = 0;

  let owner: SignedUpUser;
  let client: SignedUpUser;
  let engagementId: string;
  const workspaces: string[] = [];

  const api = () => request(platform.gatewayUrl);
  const emulator = () => platform.stripe!.emulator.control;
  const as = (who: SignedUpUser) => bearer(who.token);
  const newWorkspace = (name: string) => api().post('/api/v1/workspaces').set(as(owner)).send({ name });
  const milestones = () => `/api/v1/workspaces/${engagementId}/milestones`;
  const newMilestone = (title: string) => api().post(milestones()).set(as(owner)).send({ title, amount: 40_000, currency: 'USD' });
  const getSubscription = async () => {
    const res = await api().get('/api/v1/billing/subscription').set(as(owner));
    expect(res.status).toBe(200);
    return res.body as Body;
  };
  const waitForSubscription = (what: string, ok: (b: Body) => boolean) =>
    eventually(what, async () => {
      const b = await getSubscription();
      return ok(b) ? b : null;
    });
  const subscriptionId = async (): Promise<string> =>
    (await billingDb.query(`select stripe_subscription_id from billing_subscriptions where account_id = $1`, [owner.accountId]))[0]
      .stripe_subscription_id;
  /** [version, plan, standing] of every billing.entitlements.changed for the owner's account, as published. */
  const published = () =>
    tap.events
      .filter((e) => e.routingKey === 'billing.entitlements.changed' && e.body.aggregateId === owner.accountId)
      .map((e) => {
        const d = e.body.data as { plan: string; standing: string };
        return [(e.body as unknown as { aggregateVersion: number }).aggregateVersion, d.plan, d.standing];
      });
  /** The entitlement version each enforcing service applies to the account. */
  const applied = async () =>
    Promise.all(
      [workspaceDb, filesDb].map(async (db) =>
        (await db.query(`select plan, version::int as version from account_entitlements where account_id = $1`, [owner.accountId])).map(
          (r: { plan: string; version: number }) => [r.version, r.plan],
        ),
      ),
    );
  const expectApplied = async (version: number, plan: string) =>
    eventually(`both services on v${version} ${plan}`, async () => {
      const [ws, files] = await applied();
      return JSON.stringify([ws, files]) === JSON.stringify([[[version, plan]], [[version, plan]]]);
    });

  /** Checkout → the emulator's hosted page paid → Stripe's webhooks → active. */
  async function subscribeToPro(): Promise<void> {
    const res = await api().post('/api/v1/billing/checkout').set(as(owner)).send({ plan: 'pro', interval: 'month' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plan: 'pro', interval: 'month', checkoutUrl: expect.stringContaining(res.body.checkoutSessionId) });
    await emulator().completeCheckout(res.body.checkoutSessionId);
    await emulator().drainWebhooks();
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing'],
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        workspace: { REVIEW_TIMER_POLL_MS: '0', DELIVERABLE_PINNING: 'off' },
        billing: { SUBSCRIPTION_LOCK_POLL_MS: '0', SUBSCRIPTION_GRACE_DAYS: '7' },
      },
    });
    const emu = platform.stripe!.emulator;
    stripe = new Stripe(emu.apiKey, { ...emu.stripeConfig, maxNetworkRetries: 2 });
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    filesDb = await connectServiceDb('files', 'system', platform.dbPrefix);
    tap = await tapEvents(['billing.entitlements.changed'], { amqpUrl: platform.amqpUrl });
    // Billing's business clock (the lock timer) is moved by hand; tokens and signatures stay on the wall clock.
    const billingClock = platform.apps.billing!.get(Clock);
    billingClock.now = () => new Date(Date.now() + clockOffsetMs);

    owner = await signUp(platform.gatewayUrl, 'Growing Freelancer');
    await onboardToConnect(platform.gatewayUrl, owner);
    engagementId = (await createWorkspace(platform.gatewayUrl, owner, 'Engagement')).id;
    workspaces.push(engagementId);
    client = await inviteAndJoin(platform.gatewayUrl, owner, engagementId, 'client_admin');
  }, 180_000);

  afterAll(async () => {
    await tap?.close();
    await billingDb?.destroy();
    await workspaceDb?.destroy();
    await filesDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  it('on free a 4th workspace is refused naming pro; Checkout for pro lifts it within a second and the usage counts it', async () => {
    for (let i = workspaces.length; i < PLAN_LIMITS.free.activeWorkspaces!; i++)
      workspaces.push((await createWorkspace(platform.gatewayUrl, owner, `Job ${i}`)).id);
    const refused = await newWorkspace('Fourth');
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({
      code: 'active_workspaces_limit_reached',
      details: { plan: 'free', limit: 'activeWorkspaces', max: 3, current: 3, planThatLifts: 'pro' },
      requestId: expect.any(String),
    });
    expect(await getSubscription()).toMatchObject({ plan: 'free', status: 'none', version: 0 });

    await subscribeToPro();
    // Stripe's webhooks are delivered: from here the user waits a second or so at most.
    const fourth = await eventually(
      'pro to lift the workspace limit',
      async () => {
        const res = await newWorkspace('Fourth');
        if (res.status !== 201) expect(res.body.error.code).toBe('active_workspaces_limit_reached');
        return res.status === 201 ? res : null;
      },
      { timeoutMs: 2_000, intervalMs: 25 },
    );
    workspaces.push(fourth.body.id);

    const sub = await getSubscription();
    expect(sub).toMatchObject({ plan: 'pro', status: 'active', standing: 'active', cancelAtPeriodEnd: false, version: 1 });
    expect(sub.usage.activeWorkspaces).toEqual({ used: 4, limit: PLAN_LIMITS.pro.activeWorkspaces });
    expect(sub.usage.membersPerWorkspace).toEqual({ used: 2, limit: PLAN_LIMITS.pro.membersPerWorkspace });
    expect(published()).toEqual([[1, 'pro', 'active']]);
    await expectApplied(1, 'pro');
  });

  it('a downgrade to free at the period end changes nothing before it; after the renewal only new items are refused', async () => {
    const subId = await subscriptionId();
    const cancelled = await api().post('/api/v1/billing/subscription/cancel').set(as(owner)).send();
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ subscriptionId: subId, at: 'period_end' });
    await emulator().drainWebhooks();
    const pending = await waitForSubscription('cancel at period end', (b) => b.cancelAtPeriodEnd === true);
    expect(pending).toMatchObject({ plan: 'pro', status: 'active', nextInvoice: null, version: 1 });

    // Until the period ends the account is still pro: a 5th workspace is fine.
    const fifth = await newWorkspace('Fifth');
    expect(fifth.status).toBe(201);
    workspaces.push(fifth.body.id);
    expect(published()).toEqual([[1, 'pro', 'active']]);
    await expectApplied(1, 'pro');

    await emulator().advanceToRenewal(subId);
    await emulator().drainWebhooks();
    const ended = await waitForSubscription('free again', (b) => b.plan === 'free');
    expect(ended).toMatchObject({ status: 'canceled', standing: 'active', currentPeriod: null, version: 2 });
    expect(ended.usage.activeWorkspaces).toEqual({ used: 5, limit: PLAN_LIMITS.free.activeWorkspaces });
    await expectApplied(2, 'free');
    expect((await newWorkspace('Sixth')).status).toBe(402);
    expect(published()).toEqual([
      [1, 'pro', 'active'],
      [2, 'free', 'active'],
    ]);

    // Nothing above the limit is taken away: all five stay readable and editable.
    const listed = await api().get('/api/v1/workspaces').set(as(owner));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((w: { id: string }) => w.id).sort()).toEqual([...workspaces].sort());
    for (const id of workspaces) {
      expect((await api().get(`/api/v1/workspaces/${id}`).set(as(owner))).status).toBe(200);
      expect((await api().patch(`/api/v1/workspaces/${id}`).set(as(owner)).send({ name: 'Still mine' })).status).toBe(200);
    }
    const sixth = await newWorkspace('Sixth');
    expect(sixth.status).toBe(402);
    expect(sixth.body.error).toMatchObject({
      code: 'active_workspaces_limit_reached',
      details: { plan: 'free', limit: 'activeWorkspaces', max: 3, current: 5, planThatLifts: 'pro' },
    });
  });

  it('a failed renewal: past_due on /me, locked after the grace; money owed and downloads keep working; paying unlocks at once', async () => {
    // Back on pro (the same customer buys again), with work under way before anything fails.
    await subscribeToPro();
    await waitForSubscription('pro again', (b) => b.plan === 'pro' && b.status === 'active' && b.version === 3);
    await expectApplied(3, 'pro');
    const subId = await subscriptionId();
    const deliverable = await uploadFile(platform.gatewayUrl, owner, engagementId, 'site.zip', 'the site', 'application/zip');
    const accepted = (await newMilestone('Build')).body.id as string;
    expect((await api().post(`${milestones()}/${accepted}/propose`).set(as(owner)).send({})).status).toBe(200);
    expect((await api().post(`${milestones()}/${accepted}/accept`).set(as(client)).send({})).status).toBe(200);

    // The renewal's charge fails: past_due, a banner on /me, nothing refused yet.
    await emulator().failNextRenewal(subId, 10);
    await emulator().advanceToRenewal(subId);
    await emulator().drainWebhooks();
    const pastDue = await waitForSubscription('past_due', (b) => b.standing === 'past_due');
    expect(pastDue).toMatchObject({ plan: 'pro', status: 'past_due', version: 4, locksAt: expect.any(String) });
    const locksAt = new Date(pastDue.locksAt).getTime();
    expect(locksAt - new Date(pastDue.pastDueSince).getTime()).toBe(7 * 86_400_000);
    const me = await eventually('GET /me to show past_due', async () => {
      const res = await api().get('/api/v1/me').set(as(owner));
      return res.status === 200 && res.body.accountStandings?.[0]?.standing === 'past_due' ? res.body : null;
    });
    expect(me.accounts).toEqual([
      expect.objectContaining({ accountId: owner.accountId, plan: 'pro', standing: 'past_due', locksAt: pastDue.locksAt }),
    ]);
    const duringGrace = await newMilestone('During the grace');
    expect(duringGrace.status).toBe(201);

    // The grace ends unpaid: billing's clock past locksAt, its lockout timer runs once.
    const worker = platform.apps.billing!.get(SubscriptionLockoutWorker);
    clockOffsetMs = locksAt - Date.now() - 60_000;
    expect(await worker.runOnce()).toEqual({ locked: 0 });
    clockOffsetMs = locksAt - Date.now() + 1_000;
    expect(await worker.runOnce()).toEqual({ locked: 1 });
    expect(await getSubscription()).toMatchObject({ standing: 'locked', status: 'past_due', version: 5 });
    const refusedWorkspace = await eventually('the lock to apply', async () => {
      const res = await newWorkspace('While locked');
      return res.status === 402 && res.body.error.code === 'account_locked' ? res : null;
    });
    expect(refusedWorkspace.body.error).toMatchObject({ code: 'account_locked', requestId: expect.any(String) });
    const refusedMilestone = await newMilestone('While locked');
    expect([refusedMilestone.status, refusedMilestone.body.error?.code]).toEqual([402, 'account_locked']);
    const refusedUpload = await api()
      .post(`/api/v1/workspaces/${engagementId}/files`)
      .set(as(owner))
      .send({ name: 'new.txt', size: 3, contentType: 'text/plain' });
    expect([refusedUpload.status, refusedUpload.body.error?.code]).toEqual([402, 'account_locked']);
    expect(published()).toEqual([
      [1, 'pro', 'active'],
      [2, 'free', 'active'],
      [3, 'pro', 'active'],
      [4, 'pro', 'past_due'],
      [5, 'pro', 'locked'],
    ]);
    await expectApplied(5, 'pro');

    // Money owed keeps moving: the client funds the milestone accepted before the lock, for real.
    const funding = await api().post(`${milestones()}/${accepted}/fund`).set(as(client)).send();
    expect(funding.status).toBe(200);
    expect(funding.body).toMatchObject({ checkoutUrl: expect.any(String), orderId: expect.any(String) });
    const payment = await api().get(`${milestones()}/${accepted}/payment`).set(as(client));
    expect(payment.status).toBe(200);
    await emulator().completeCheckout(payment.body.stripe.checkoutSessionId, { outcome: 'success' });
    await emulator().drainWebhooks();
    await eventually('funded while locked', async () => {
      const res = await api().get(`${milestones()}/${accepted}`).set(as(client));
      return res.body.status === 'funded';
    });
    const funded = await api().get(`${milestones()}/${accepted}/payment`).set(as(owner));
    expect(funded.body.money).toMatchObject({ status: 'held', charged: 40_000, released: 0 });
    // And clients keep reading and downloading what they paid for.
    expect((await api().get(`/api/v1/workspaces/${engagementId}/files`).set(as(client))).status).toBe(200);
    const download = await api().get(`/api/v1/workspaces/${engagementId}/files/${deliverable.fileId}/download`).set(as(client));
    expect(download.status).toBe(200);
    const bytes = await fetch(download.body.url);
    expect([bytes.status, await bytes.text()]).toEqual([200, 'the site']);
    expect((await api().get('/api/v1/me').set(as(owner))).body.accounts[0]).toMatchObject({ standing: 'locked', locksAt: null });

    // Paying the open invoice (the card works again): unlocked at once.
    const open = (await stripe.invoices.list({ subscription: subId, status: 'open' })).data;
    expect(open.map((i) => i.billing_reason)).toEqual(['subscription_cycle']);
    await emulator().failNextRenewal(subId, 0);
    await stripe.invoices.pay(open[0].id);
    await emulator().drainWebhooks();
    const unlockedMilestone = await eventually(
      'the unlock',
      async () => {
        const res = await newMilestone('After paying');
        if (res.status !== 201) expect(res.body.error.code).toBe('account_locked');
        return res.status === 201 ? res : null;
      },
      { timeoutMs: 3_000, intervalMs: 25 },
    );
    expect(unlockedMilestone.body).toMatchObject({ title: 'After paying', status: 'draft' });
    expect((await newWorkspace('After paying')).status).toBe(201);
    expect(await getSubscription()).toMatchObject({ plan: 'pro', status: 'active', standing: 'active', locksAt: null, version: 6 });
    expect(published().at(-1)).toEqual([6, 'pro', 'active']);
    expect(published()).toHaveLength(6);
    await expectApplied(6, 'pro');
    clockOffsetMs = 0;
  });
});
