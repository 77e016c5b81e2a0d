import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
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
} from '@fpms/harness';
import { PayoutsRepository } from '../../apps/billing/src/payouts/payouts.repository';
import { ConnectDriver } from './connect-support';

/**
 * Payouts of a freelancer's connected account, against the Stripe emulator: Connect's
 * `payout.paid` / `payout.failed` webhooks go through billing's webhook ledger into the
 * payouts list (`GET /api/v1/billing/payouts`, the owner's own), a failed payout notifies the
 * owner (in the app and by email, as the catalogue says), and duplicates, reordering and a
 * late `paid` after `failed` change nothing — while `failed` after `paid` (a payout the bank
 * returned) is applied. Another tenant sees none of it.
 */
describe('billing: payouts', () => {
  let platform: RunningPlatform;
  let driver: ConnectDriver;
  let billingDb: DataSource;
  let messagingDb: DataSource;
  let owner: SignedUpUser;
  let ownerB: SignedUpUser;
  let clientOfA: SignedUpUser;
  let collaboratorOfA: SignedUpUser;
  let stripeAccount: string;
  const api = () => request(platform.gatewayUrl);
  const list = (user: { token: string }, query = '') => api().get(`/api/v1/billing/payouts${query}`).set(bearer(user.token));

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace', 'billing', 'messaging'] });
    driver = new ConnectDriver(platform);
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    messagingDb = await connectServiceDb('messaging', 'system', platform.dbPrefix);
    owner = await signUp(platform.gatewayUrl, 'Paula Payout');
    ownerB = await signUp(platform.gatewayUrl, 'Other Freelancer');
    await onboardToConnect(platform.gatewayUrl, owner);
    await onboardToConnect(platform.gatewayUrl, ownerB);
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    clientOfA = await inviteAndJoin(platform.gatewayUrl, owner, workspace.id, 'client_admin');
    collaboratorOfA = await inviteAndJoin(platform.gatewayUrl, owner, workspace.id, 'collaborator');
    const [row] = await billingDb.query(`select stripe_account_id from connect_accounts where account_id = $1`, [owner.accountId]);
    stripeAccount = row.stripe_account_id;
    await platform.stripe!.emulator.control.topUp(100_000, 'usd', stripeAccount);
  });

  afterAll(async () => {
    await messagingDb?.destroy();
    await billingDb?.destroy();
    await platform?.close();
  });

  const payout = (amount: number) => driver.stripe.payouts.create({ amount, currency: 'usd' }, { stripeAccount });
  const shown = async (id: string) =>
    ((await list(owner, '?limit=200')).body.items as Array<Record<string, unknown>>).find((p) => p.id === id);
  const payoutEvents = async (id: string) =>
    (await driver.stripe.events.list({ type: 'payout.*', limit: 100 }, { stripeAccount })).data.filter(
      (e) => (e.data.object as Stripe.Payout).id === id,
    );
  const failureNotifications = async (payoutId: string) =>
    (
      await messagingDb.query(
        `select count(*)::int as n from notifications where user_id = $1 and type = 'payout.failed' and dedupe_key = $2`,
        [owner.userId, `payout_failed:${payoutId}`],
      )
    )[0].n as number;
  const failedEventsInOutbox = async (payoutId: string) =>
    (
      await billingDb.query(
        `select count(*)::int as n from outbox_messages where routing_key = 'billing.payout.failed' and payload -> 'data' ->> 'payoutId' = $1`,
        [payoutId],
      )
    )[0].n as number;

  it('records a paid and a failed payout (arrival date, amount, failure reason) and shows them to the owner, newest first', async () => {
    const paid = await payout(4_000);
    const failed = await payout(2_500);
    await platform.stripe!.emulator.control.payPayout(paid.id);
    await platform.stripe!.emulator.control.failPayout(failed.id, 'account_closed');

    await eventually('both payouts settled in billing', async () => {
      const a = await shown(paid.id);
      const b = await shown(failed.id);
      return a?.status === 'paid' && b?.status === 'failed';
    });
    const items = (await list(owner)).body.items as Array<Record<string, unknown>>;
    // Newest first, as billing recorded them (both were made in the same second).
    expect(
      items
        .map((p) => p.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([failed.id, paid.id].sort());
    expect(await shown(paid.id)).toMatchObject({
      amount: 4_000,
      currency: 'USD',
      status: 'paid',
      arrivalDate: new Date(paid.arrival_date * 1000).toISOString(),
      failureCode: null,
      paidAt: expect.any(String),
    });
    expect(await shown(failed.id)).toMatchObject({
      amount: 2_500,
      currency: 'USD',
      status: 'failed',
      failureCode: 'account_closed',
      failureMessage: expect.stringContaining('closed'),
      failedAt: expect.any(String),
    });

    // The owner is told of the failure: in the app, and by email (the catalogue's default for payout.failed).
    await eventually('owner notified of the failed payout', async () => {
      const res = await api().get('/api/v1/me/notifications').set(bearer(owner.token));
      return (res.body.items as Array<{ type: string; headline: string }>).find(
        (n) => n.type === 'payout.failed' && n.headline.includes('25.00 USD'),
      );
    });
    await eventually('email queued for the owner', async () => {
      const rows = await messagingDb.query(`select * from email_outbox where user_id = $1`, [owner.userId]);
      return rows.length > 0 ? rows : null;
    });
    // Nobody else hears of it.
    const clientNotes = await api().get('/api/v1/me/notifications').set(bearer(clientOfA.token));
    expect((clientNotes.body.items as Array<{ type: string }>).filter((n) => n.type === 'payout.failed')).toEqual([]);
  });

  it('applies failed after paid (the bank returned it) once, and never lets a late paid resurrect it', async () => {
    const returned = await payout(3_000);
    await platform.stripe!.emulator.control.payPayout(returned.id);
    await eventually('paid', async () => (await shown(returned.id))?.status === 'paid');
    await platform.stripe!.emulator.control.failPayout(returned.id, 'could_not_process');
    await eventually('failed after paid', async () => (await shown(returned.id))?.status === 'failed');
    expect(await shown(returned.id)).toMatchObject({ failureCode: 'could_not_process', paidAt: expect.any(String) });
    await eventually('the owner notified of the returned payout', async () => (await failureNotifications(returned.id)) === 1);

    // Every event of it again, newest first and twice over: nothing moves, nothing is announced again.
    const events = await payoutEvents(returned.id);
    expect(events.map((e) => e.type).sort()).toEqual(['payout.created', 'payout.failed', 'payout.paid']);
    const settled = await shown(returned.id);
    for (const event of [...events, ...events.reverse()]) await driver.deliver(event);
    expect(await shown(returned.id)).toEqual(settled);
    expect(await failedEventsInOutbox(returned.id)).toBe(1);
    expect(await failureNotifications(returned.id)).toBe(1);
  });

  it('takes events in any order for a payout it has not seen: failed first, then paid and created change nothing', async () => {
    const source = await payout(1_500);
    await platform.stripe!.emulator.control.payPayout(source.id);
    await platform.stripe!.emulator.control.failPayout(source.id);
    const events = await payoutEvents(source.id);
    // The same story under another payout id, delivered failed → paid → created (as a shuffled redelivery would).
    const id = `${source.id}_reordered`;
    const renamed = (type: string) => {
      // Through a plain record: spreading Stripe.Event (a union of every event type) is costly for the type checker.
      const e = events.find((x) => x.type === type) as unknown as { id: string; data: { object: Stripe.Payout } };
      const copy: Record<string, unknown> = { ...e, id: `${e.id}_r`, data: { object: { ...e.data.object, id } } };
      return copy as unknown as Stripe.Event;
    };
    await driver.deliver(renamed('payout.failed'));
    await driver.deliver(renamed('payout.paid'));
    await driver.deliver(renamed('payout.created'));
    await driver.deliver(renamed('payout.failed'));
    expect(await shown(id)).toMatchObject({ status: 'failed', amount: 1_500, paidAt: null, failureCode: 'account_closed' });
    expect(await failedEventsInOutbox(id)).toBe(1);
  });

  it('pages with limit and before (keyset), newest first', async () => {
    const all = (await list(owner, '?limit=200')).body.items as Array<{ id: string }>;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const first = await list(owner, '?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual(all.slice(0, 2).map((p) => p.id));
    const second = await list(owner, `?limit=2&before=${first.body.nextBefore}`);
    expect(second.body.items.map((p: { id: string }) => p.id)).toEqual(all.slice(2, 4).map((p) => p.id));
    const bad = await list(owner, '?limit=0&before=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
    expect((bad.body.error.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(['before', 'limit']);
  });

  it("isolation: another owner, A's client and collaborator (each their own account) see none of A's payouts; a user without an account gets 403", async () => {
    const aIds = ((await list(owner, '?limit=200')).body.items as Array<{ id: string }>).map((p) => p.id);
    expect(aIds.length).toBeGreaterThan(0);
    // B's own payout: B sees it, A does not.
    const [rowB] = await billingDb.query(`select stripe_account_id from connect_accounts where account_id = $1`, [ownerB.accountId]);
    await platform.stripe!.emulator.control.topUp(1_000, 'usd', rowB.stripe_account_id);
    const poB = await driver.stripe.payouts.create({ amount: 1_000, currency: 'usd' }, { stripeAccount: rowB.stripe_account_id });
    await platform.stripe!.emulator.control.failPayout(poB.id);
    await eventually("B's payout recorded", async () =>
      ((await list(ownerB)).body.items as Array<{ id: string }>).some((p) => p.id === poB.id),
    );
    for (const [who, user] of Object.entries({ ownerB, clientOfA, collaboratorOfA })) {
      const res = await list(user, '?limit=200');
      expect([who, res.status]).toEqual([who, 200]);
      expect([who, (res.body.items as Array<{ id: string }>).filter((p) => aIds.includes(p.id))]).toEqual([who, []]);
    }
    expect(aIds).not.toContain(poB.id);
    expect(((await list(owner, '?limit=200')).body.items as Array<{ id: string }>).map((p) => p.id)).not.toContain(poB.id);
    // B's failure notified B only.
    const notesA = (await api().get('/api/v1/me/notifications').set(bearer(owner.token))).body.items as Array<{ headline: string }>;
    expect(notesA.filter((n) => n.headline.includes('10.00 USD'))).toEqual([]);

    // A user who owns no account (signed up through a client invitation) has no payouts to see.
    const workspace = await createWorkspace(platform.gatewayUrl, owner, 'Second engagement');
    const invitation = await api()
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'client_admin' });
    const invited = await api()
      .post(`/api/v1/invitations/${invitation.body.token}/signup`)
      .send({ email: `payout-client-${Date.now()}@example.test`, password: 'client pass phrase', name: 'Client Co' });
    expect(invited.status).toBe(201);
    const denied = await list({ token: invited.body.accessToken });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'payouts_account_owner_required', requestId: expect.any(String) });
    expect(denied.body).not.toHaveProperty('items');

    // Below the API: RLS hides A's payouts from B's tenant transaction, whatever account id is asked for.
    const billing = platform.apps.billing!;
    const tx = billing.get(TenantTransactions);
    const repository = billing.get(PayoutsRepository);
    expect(await tx.run({ accountId: ownerB.accountId }, (m) => repository.page(m, owner.accountId, 200))).toEqual([]);
    expect((await tx.run({ accountId: owner.accountId }, (m) => repository.page(m, owner.accountId, 200))).length).toBe(aIds.length);
  });

  it('requires a token', async () => {
    const res = await api().get('/api/v1/billing/payouts');
    expect(res.status).toBe(401);
  });
});
