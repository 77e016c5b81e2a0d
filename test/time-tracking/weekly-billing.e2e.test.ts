import request from 'supertest';
import { platformFee, PlanId } from '@fpms/contracts';
import { bearer, eventually, MutableClock, tapEvents } from '@fpms/harness';
import { weekAmountMinor } from '../../apps/billing/src/hourly/week-amount';
import { WeekClosePoller } from '../../apps/workspace/src/time-tracking/week-close.poller';
import { BillingWorld, startBillingWorld } from '../billing/billing-world';
import { checkLedgerInvariantsAfterEach } from '../billing/ledger-invariants';

const MINUTE = 60_000;
const RATE = 9_000; // 90.00 EUR an hour

type Tapped = Awaited<ReturnType<typeof tapEvents>>;

/**
 * Issue 20's weekly cycle with both sides real: the workspace service closes the week and runs
 * the client's review, billing charges the approved hours off-session through the Stripe
 * emulator, and each side acts only on the other's events (no event is injected here). A card
 * that needs authentication fails the charge and blocks new time; a new card pays the week at
 * once and new time is allowed again.
 */
describe('the weekly cycle, workspace and billing together', () => {
  // Wednesday 18 November 2026, noon UTC (the account stays on UTC: DST is covered by weekly-cycle.e2e).
  const clock = new MutableClock('2026-11-18T12:00:00Z');
  let world: BillingWorld;
  let tap: Tapped;
  let contractId: string;
  let plan: PlanId;
  const api = () => request(world.platform.gatewayUrl);
  const ws = () => `/api/v1/workspaces/${world.workspaceId}`;
  const log = (startedAt: string, minutes: number) =>
    api()
      .post(`${ws()}/time-entries`)
      .set(bearer(world.owner.token))
      .send({ startedAt, endedAt: new Date(Date.parse(startedAt) + minutes * MINUTE).toISOString() });
  const startTimer = () => api().post(`${ws()}/timer/start`).set(bearer(world.owner.token)).send({ note: 'the next week' });
  const week = async (weekStart: string) => (await api().get(`${ws()}/time-weeks/${weekStart}`).set(bearer(world.client.token))).body;
  const contract = async () => (await api().get(`${ws()}/hourly-contract`).set(bearer(world.client.token))).body;

  checkLedgerInvariantsAfterEach(() => world?.billingDb);

  beforeAll(async () => {
    world = await startBillingWorld({
      ownerName: 'Wanda Weekly',
      clock,
      env: {
        workspace: { TIME_WEEK_POLL_MS: '0', LOG_LEVEL: 'error' },
        billing: {
          HOURLY_CHARGE_POLL_MS: '200',
          HOURLY_CHARGE_RETRY_DELAYS_SECONDS: '3600',
          RECONCILE_INTERVAL_MS: '0',
          LOG_LEVEL: 'error',
        },
      },
    });
    tap = await tapEvents(['workspace.time_week.*', 'billing.time_week.*', 'billing.hourly_contract.*'], {
      amqpUrl: world.platform.amqpUrl,
    });
    const [account] = await world.billingDb.query(`select plan from billing_accounts where account_id = $1`, [world.owner.accountId]);
    plan = account.plan;
    const proposed = await api().post(`${ws()}/hourly-contract`).set(bearer(world.owner.token)).send({ rateMinor: RATE, currency: 'EUR' });
    expect(proposed.status).toBe(201);
    contractId = proposed.body.id;
    const accepted = await api().post(`${ws()}/hourly-contract/accept`).set(bearer(world.client.token)).send({ contractId });
    expect(accepted.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await tap?.close();
    await world?.close();
  });

  /** The client admin saves `card` through the setup-mode Checkout; the workspace shows its last four. */
  async function saveCard(card: string, last4: string): Promise<void> {
    const opened = await eventually('billing knows the contract', async () => {
      const res = await api().post(`${ws()}/hourly-contract/payment-method`).set(bearer(world.client.token)).send({});
      return res.status === 200 ? res : null;
    });
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(opened.body.url as string)![1];
    const { error } = await world.platform.stripe!.emulator.control.completeCheckout(sessionId, { payment_method: card });
    expect(error).toBeUndefined();
    await eventually(`the contract shows the card ${last4}`, async () => (await contract()).paymentMethod?.last4 === last4);
  }

  it('closes, is accepted, fails on a card that needs authentication (blocking new time), and is paid once a new card is saved', async () => {
    await saveCard('pm_card_authenticationRequired', '3184');
    const monday = await log('2026-11-16T08:00:00Z', 135);
    const tuesday = await log('2026-11-17T09:00:00Z', 60);
    expect([monday.status, tuesday.status]).toEqual([201, 201]);
    const seconds = (135 + 60) * 60;
    const amount = weekAmountMinor(seconds, RATE);
    expect(amount).toBe(29_250); // 3.25 h × 90.00
    const fee = platformFee(amount, plan);

    // Monday 00:00 UTC: the week closes, its entries are locked, the client reviews and accepts.
    clock.set('2026-11-23T00:00:30Z');
    await world.platform.apps.workspace!.get(WeekClosePoller).runOnce();
    expect(await week('2026-11-16')).toMatchObject({ status: 'in_review', entryCount: 2, totalSeconds: seconds });
    expect(
      (await api().patch(`${ws()}/time-entries/${monday.body.id}`).set(bearer(world.owner.token)).send({ note: 'late edit' })).status,
    ).toBe(409);
    expect((await api().post(`${ws()}/time-weeks/2026-11-16/accept`).set(bearer(world.client.token)).send({})).status).toBe(200);

    // Billing charges off-session; Stripe asks for authentication the client is not there to give.
    await eventually('the week unpaid', async () => (await week('2026-11-16')).status === 'payment_failed', { timeoutMs: 30_000 });
    const blocked = await startTimer();
    expect([blocked.status, blocked.body.error?.code]).toEqual([409, 'hourly_week_unpaid']);

    // A new card: billing retries at once, the transfer reaches the freelancer, new time is allowed again.
    await saveCard('pm_card_visa', '4242');
    await eventually('the week paid', async () => (await week('2026-11-16')).status === 'paid', { timeoutMs: 30_000 });
    expect((await startTimer()).status).toBe(201);

    const [charge] = await world.billingDb.query(`select * from hourly_week_charges where contract_id = $1 and week_start = '2026-11-16'`, [
      contractId,
    ]);
    expect(charge).toMatchObject({ status: 'paid', attempts: 2, amount: String(amount) });
    const invoices = (await api().get(`${ws()}/invoices`).set(bearer(world.owner.token))).body.items as Array<{
      id: string;
      total: number;
      paidAt: string | null;
      platformFee: number | null;
    }>;
    expect(invoices.find((i) => i.id === charge.invoice_id)).toMatchObject({ total: amount, paidAt: expect.any(String), platformFee: fee });

    // Exactly these facts crossed, once each: the close and approval, the two cards, the failure (with its retry), the payment.
    const facts = tap.events
      .filter((e) => e.body.aggregateId === contractId)
      .map((e) => {
        const d = e.body.data as Record<string, unknown>;
        return [e.routingKey, d.last4 ?? d.declineCode ?? d.transferredMinor ?? d.billableSeconds ?? d.totalSeconds];
      });
    expect(facts.sort()).toEqual(
      [
        ['billing.hourly_contract.payment_method_saved', '3184'],
        ['billing.hourly_contract.payment_method_saved', '4242'],
        ['billing.time_week.paid', amount - fee],
        ['billing.time_week.payment_failed', 'authentication_required'],
        ['workspace.time_week.approved', seconds],
        ['workspace.time_week.closed', seconds],
      ].sort(),
    );
  }, 180_000);
});
