import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, eventually, MutableClock, RunningPlatform, SignedUpUser } from '@fpms/harness';
import { ReleaseWorker } from '../../apps/billing/src/release/release.worker';
import { ReviewTimerPoller } from '../../apps/workspace/src/review-timers/review-timer.poller';
import { BillingWorld, startBillingWorld } from './billing-world';

/**
 * The client says nothing: the review window lapses, the review timer approves, and billing
 * releases. Stripe fails the transfer at first; the payment view shows the release pending
 * and why, and once Stripe answers again the money is released exactly once.
 */
describe('billing: release after automatic approval, through a Stripe outage', () => {
  let world: BillingWorld;
  const clock = new MutableClock(new Date());
  let platform: RunningPlatform;
  let stripe: Stripe;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${workspaceId}/milestones`;

  beforeAll(async () => {
    ({ platform, stripe, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Patient Freelancer',
      clock,
      env: {
        workspace: { REVIEW_TIMER_POLL_MS: '0', DELIVERABLE_PINNING: 'off' },
        billing: { RELEASE_POLL_MS: '0', RELEASE_RETRY_BASE_SECONDS: '60' },
      },
    }));
  });

  afterAll(async () => {
    await world?.close();
  });

  const payment = (id: string): Promise<PaymentView> => {
    const ctx: RpcContext = { requestId: randomUUID(), userId: owner.userId, accountId: owner.accountId, workspaceId, token: owner.token };
    return rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
  };
  const status = async (id: string) => (await api().get(`${base()}/${id}`).set(bearer(owner.token))).body.status as string;

  it('releases once the timer approved and Stripe recovered, showing release_pending meanwhile', async () => {
    const amount = 80_000;
    const created = await api()
      .post(base())
      .set(bearer(owner.token))
      .send({ title: 'Quiet client', amount, currency: 'USD', reviewWindowDays: 1 });
    const id = created.body.id as string;
    await api().post(`${base()}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base()}/${id}/accept`).set(bearer(client.token)).send({});
    const funding = await api().post(`${base()}/${id}/fund`).set(bearer(client.token)).send();
    expect(funding.status).toBe(200);
    expect(funding.body.checkoutUrl).toEqual(expect.any(String));
    await platform.stripe!.emulator.control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, {
      outcome: 'success',
    });
    await eventually('funded', async () => (await status(id)) === 'funded');
    expect(
      (await api().post(`${base()}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() })).status,
    ).toBe(200);

    // Stripe is down for transfers; the client stays silent past the review window.
    await platform.stripe!.emulator.control.addApiFault({ status: 500, count: 1000, method: 'POST', path_prefix: '/v1/transfers' });
    clock.advanceDays(2);
    await platform.apps.workspace!.get(ReviewTimerPoller).runOnce();
    expect(await status(id)).toBe('approved');
    // The approval's event wakes the worker 50 ms after its handler ran; on a loaded machine its transaction may commit
    // later than that, and polling is off here: the test runs the worker itself until the attempt is recorded.
    const pending = await eventually('release pending', async () => {
      await platform.apps.billing!.get(ReleaseWorker).runOnce();
      const view = await payment(id);
      return view.release.status === 'release_pending' && view.release.attempts > 0 ? view : null;
    });
    expect(pending.release).toMatchObject({ status: 'release_pending', reason: expect.stringMatching(/^Stripe/) });
    expect((await stripe.transfers.list({ transfer_group: id })).data).toHaveLength(0);

    // Stripe answers again; the retry comes due and releases, once.
    await platform.stripe!.emulator.control.clearApiFaults();
    clock.advance(10 * 60_000);
    await platform.apps.billing!.get(ReleaseWorker).runOnce();
    const released = await payment(id);
    const fee = platformFee(amount, 'free');
    expect(released.release.status).toBe('released');
    expect(released.money).toMatchObject({ status: 'released', charged: amount, released: amount, platformFee: fee });
    await platform.apps.billing!.get(ReleaseWorker).runOnce();
    const transfers = await stripe.transfers.list({ transfer_group: id });
    expect(transfers.data.map((t) => t.amount)).toEqual([amount - fee]);
    await eventually('released in the workspace', async () => (await status(id)) === 'released');
    expect((await api().get(`${base()}/${id}`).set(bearer(owner.token))).body.approvedBy).toBe('auto');
  });
});
