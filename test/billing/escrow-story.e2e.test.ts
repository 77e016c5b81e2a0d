import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, eventually, onboardToConnect, RunningPlatform, SignedUpUser } from '@fpms/harness';
import { BillingWorld, fundCheckout, startBillingWorld } from './billing-world';

/**
 * The escrow story against the Stripe emulator, real PostgreSQL and RabbitMQ: a freelancer
 * onboards to Connect, the client funds a milestone through Checkout, Stripe's webhook makes
 * it funded, approval releases amount − platform fee to the connected account, and the
 * ledger balances to the cent.
 */
describe('billing: escrow funding and release', () => {
  let world: BillingWorld;
  let platform: RunningPlatform;
  let stripe: Stripe;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    ({ platform, stripe, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Fiona Freelancer',
      onboard: false,
      env: { workspace: { DELIVERABLE_PINNING: 'off' } },
    }));
  });

  afterAll(async () => {
    await world?.close();
  });

  const ctxOf = (who: SignedUpUser): RpcContext => ({
    requestId: randomUUID(),
    userId: who.userId,
    accountId: who.accountId,
    workspaceId,
    token: who.token,
  });

  async function acceptedMilestone(amount: number, currency = 'EUR'): Promise<string> {
    const created = await api()
      .post(`/api/v1/workspaces/${workspaceId}/milestones`)
      .set(bearer(owner.token))
      .send({ title: `Milestone ${randomUUID().slice(0, 8)}`, amount, currency });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api().post(`/api/v1/workspaces/${workspaceId}/milestones/${id}/propose`).set(bearer(owner.token)).send({})).status).toBe(
      200,
    );
    expect((await api().post(`/api/v1/workspaces/${workspaceId}/milestones/${id}/accept`).set(bearer(client.token)).send({})).status).toBe(
      200,
    );
    return id;
  }

  const milestone = async (id: string) =>
    (await api().get(`/api/v1/workspaces/${workspaceId}/milestones/${id}`).set(bearer(owner.token))).body;
  /** The workspace dashboard's EUR money buckets, as the client sees them. */
  const eurDashboard = async () =>
    (
      (await api().get(`/api/v1/workspaces/${workspaceId}/dashboard`).set(bearer(client.token))).body.money as Array<{ currency: string }>
    ).find((m) => m.currency === 'EUR');
  const payment = (id: string) => rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctxOf(owner));

  it('refuses to fund while the freelancer has no payable Stripe account', async () => {
    const id = await acceptedMilestone(5000);
    const refused = await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: id }, ctxOf(client)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'payouts_not_enabled' });
  });

  it('onboards, funds through Checkout, releases on approval, and the ledger balances', async () => {
    // Connect onboarding: the owner follows the account link (the emulator completes it) and account.updated arrives.
    await onboardToConnect(platform.gatewayUrl, owner);

    const amount = 12_345;
    const id = await acceptedMilestone(amount);

    // Funding: a Checkout page for the exact amount; asking again (even concurrently) gives the same one.
    const [first, second] = await Promise.all([
      fundCheckout(rpc, workspaceId, id, ctxOf(client)),
      fundCheckout(rpc, workspaceId, id, ctxOf(client)),
    ]);
    expect(second.checkoutUrl).toBe(first.checkoutUrl);
    expect((await milestone(id)).status).toBe('funding');
    const pending = await payment(id);
    const sessionId = pending.stripe.checkoutSessionId as string;
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({
      amount_total: amount,
      currency: 'eur',
      metadata: { orderId: first.orderId, milestoneId: id, workspaceId },
    });

    // The client pays; Stripe's webhook makes the milestone funded.
    await platform.stripe!.emulator.control.completeCheckout(sessionId, { outcome: 'success' });
    await eventually('funded', async () => (await milestone(id)).status === 'funded');
    const held = await payment(id);
    expect(held.money).toMatchObject({ status: 'held', charged: amount, released: 0 });
    expect(await eurDashboard()).toMatchObject({ inEscrow: amount, released: 0 });

    // Delivery and approval release the escrow: amount − fee to the connected account.
    const deliverable = randomUUID();
    expect(
      (
        await api()
          .post(`/api/v1/workspaces/${workspaceId}/milestones/${id}/submit`)
          .set(bearer(owner.token))
          .send({ deliverableFileVersionId: deliverable })
      ).status,
    ).toBe(200);
    expect((await api().post(`/api/v1/workspaces/${workspaceId}/milestones/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(
      200,
    );
    const released = await eventually('released', async () => {
      const view: PaymentView = await payment(id);
      return view.release.status === 'released' ? view : null;
    });
    await eventually('workspace shows released', async () => (await milestone(id)).status === 'released');
    expect(await eurDashboard()).toMatchObject({ inEscrow: 0, released: amount });

    const fee = platformFee(amount, 'free');
    expect(fee).toBe(617); // 5% of 12,345 is 617.25: rounded half up to whole cents
    expect(released.money).toEqual({
      status: 'released',
      currency: 'EUR',
      charged: amount,
      released: amount,
      platformFee: fee,
      refunded: 0,
      disputed: 0,
    });
    const transfer = await stripe.transfers.retrieve(released.stripe.transferId as string);
    expect(transfer).toMatchObject({
      amount: amount - fee,
      currency: 'eur',
      transfer_group: id,
      source_transaction: released.stripe.chargeId,
    });

    const byKind = Object.fromEntries(released.ledger.map((e) => [e.kind, e.amount]));
    expect(byKind).toMatchObject({ charge: amount, transfer: amount - fee, platform_fee: fee });
    expect(byKind.transfer + byKind.platform_fee).toBe(byKind.charge);
    const rows = await billingDb.query(`select kind, count(*)::int as n from ledger_entries where order_id = $1 group by kind`, [
      released.orderId,
    ]);
    for (const row of rows) expect(row.n).toBe(1);
  });

  it('sends an expired checkout back to accepted and lets the client try again, in a zero-decimal currency', async () => {
    const amount = 15_000; // ¥15,000: JPY has no minor unit, so Stripe's unit_amount is the amount as it stands
    const id = await acceptedMilestone(amount, 'JPY');
    const first = await fundCheckout(rpc, workspaceId, id, ctxOf(client));
    const firstSession = (await payment(id)).stripe.checkoutSessionId as string;
    expect(await stripe.checkout.sessions.retrieve(firstSession)).toMatchObject({ amount_total: amount, currency: 'jpy' });

    await stripe.checkout.sessions.expire(firstSession);
    await eventually('back to accepted', async () => (await milestone(id)).status === 'accepted');
    expect((await payment(id)).money).toMatchObject({ status: 'payment_failed', charged: 0 });

    const second = await fundCheckout(rpc, workspaceId, id, ctxOf(client));
    expect(second.orderId).toBe(first.orderId);
    expect(second.checkoutUrl).not.toBe(first.checkoutUrl);
    expect((await milestone(id)).status).toBe('funding');
    await platform.stripe!.emulator.control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, {
      outcome: 'success',
    });
    await eventually('funded', async () => (await milestone(id)).status === 'funded');
    expect((await payment(id)).money).toMatchObject({ status: 'held', currency: 'JPY', charged: amount });
  });
});
