import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { BillableEntry, EventEnvelope, platformFee, PlanId, TimesheetEvents, WeekApprovedData } from '@fpms/contracts';
import { EntitlementsPublisher } from '@fpms/testing/entitlements-publisher';
import { MutableClock } from '@fpms/testing/mutable-clock';
import { tapEvents } from '@fpms/testing/event-tap';
import { bearer, eventually, RunningPlatform, startPlatform } from '@fpms/harness';
import { memberShares, weekAmountMinor } from '../../apps/billing/src/hourly/week-amount';
import { BillingWorld, startBillingWorld } from './billing-world';
import { checkLedgerInvariantsAfterEach } from './ledger-invariants';

type Tap = Awaited<ReturnType<typeof tapEvents>>;

const RATE = 7_550; // 75.50 EUR an hour
const BILLING_ENV = {
  HOURLY_CHARGE_POLL_MS: '200',
  // Retries an hour and two hours after a decline (billing's clock, moved by the test), then none.
  HOURLY_CHARGE_RETRY_DELAYS_SECONDS: '3600,7200',
  RELEASE_RETRY_BASE_SECONDS: '1',
  RECONCILE_INTERVAL_MS: '0',
  LOG_LEVEL: 'error',
};

/**
 * Billing's side of hourly contracts' weekly cycle against the Stripe emulator, real
 * PostgreSQL and RabbitMQ, with two billing replicas: the client admin saves a card through
 * a setup-mode Checkout; each approved (contract, week, batch) is charged once off-session as
 * a destination charge with the plan's fee, invoiced, and announced; declines are retried on
 * a schedule and at once when a new card is saved. The workspace's side of the week (close,
 * review) is built separately: its `workspace.time_week.approved` is published into the broker
 * here as the workspace will publish it; the contract itself is made through the API.
 */
describe('billing: hourly weeks (off-session charges of approved hours)', () => {
  const clock = new MutableClock(new Date());
  let world: BillingWorld;
  let replica: RunningPlatform;
  let tap: Tap;
  let publisher: EntitlementsPublisher;
  let contractId: string;
  let connectedAccountId: string;
  let plan: PlanId;
  const api = () => request(world.platform.gatewayUrl);
  const emulator = () => world.platform.stripe!.emulator;
  const ws = () => `/api/v1/workspaces/${world.workspaceId}`;

  checkLedgerInvariantsAfterEach(() => world?.billingDb);

  beforeAll(async () => {
    world = await startBillingWorld({ ownerName: 'Hana Hourly', clock, env: { billing: BILLING_ENV } });
    // A second replica on the same databases and broker: both consume approvals, process webhooks and run the charge worker.
    replica = await startPlatform({ services: ['billing'], shareWith: world.platform, clock, env: { billing: BILLING_ENV } });
    tap = await tapEvents(['billing.hourly_contract.*', 'billing.time_week.*', 'billing.document.rendered'], {
      amqpUrl: world.platform.amqpUrl,
    });
    publisher = await EntitlementsPublisher.connect(world.platform.amqpUrl);
    const [row] = await world.billingDb.query(`select stripe_account_id from connect_accounts where account_id = $1`, [
      world.owner.accountId,
    ]);
    connectedAccountId = row.stripe_account_id;
    const [account] = await world.billingDb.query(`select plan from billing_accounts where account_id = $1`, [world.owner.accountId]);
    plan = account.plan;

    const proposed = await api().post(`${ws()}/hourly-contract`).set(bearer(world.owner.token)).send({ rateMinor: RATE, currency: 'EUR' });
    expect(proposed.status).toBe(201);
    contractId = proposed.body.id;
    const accepted = await api().post(`${ws()}/hourly-contract/accept`).set(bearer(world.client.token)).send({ contractId });
    expect([accepted.status, accepted.body.status]).toEqual([200, 'active']);
    // Billing projects the contract from workspace.hourly_contract.activated.
    await eventually('contract projected', async () => {
      const [c] = await world.billingDb.query(`select status from hourly_contracts where id = $1`, [contractId]);
      return c?.status === 'active';
    });
  }, 180_000);

  afterAll(async () => {
    await publisher?.close();
    await tap?.close();
    await replica?.close();
    await world?.close();
  });

  const versionOf = (e: Tap['events'][number]) => (e.body as unknown as { aggregateVersion: number }).aggregateVersion;
  /** Billing's events about the contract, in its version order (two replicas' relays publish them). */
  const billingEventsOfContract = () =>
    tap.events
      .filter((e) => e.body.aggregateId === contractId && e.routingKey !== 'billing.document.rendered')
      .sort((a, b) => versionOf(a) - versionOf(b));
  const weekEvents = (weekStart: string) =>
    billingEventsOfContract()
      .filter((e) => (e.body.data as { weekStart?: string }).weekStart === weekStart)
      .map((e) => ({ type: e.routingKey, ...(e.body.data as Record<string, unknown>) }) as { type: string } & Record<string, unknown>);

  /** Every batch this file approves, by week (each is paid by the end; 2026-12-07 only in the last test). */
  const approved = new Map<string, BillableEntry[]>();

  interface ReportFigures {
    gross: number;
    platformFees: number;
    net: number;
    releases: number;
    billedSeconds: number;
    hours: number;
  }
  interface ReportSection {
    currency: string;
    totals: ReportFigures;
    groups: Array<ReportFigures & { key: string }>;
  }
  const period = () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    return `from=${day(-2)}&to=${day(2)}`;
  };
  /** The owner's earnings report (EUR): every week of this file is paid today, so the period is the days around it. */
  async function earnings(groupBy: string): Promise<ReportSection> {
    const res = await api().get(`/api/v1/reports/earnings?${period()}&groupBy=${groupBy}&currency=EUR`).set(bearer(world.owner.token));
    expect(res.status).toBe(200);
    const sections = res.body.currencies as ReportSection[];
    expect(sections.map((c) => c.currency)).toEqual(['EUR']);
    return sections[0];
  }
  const sumOf = (groups: ReportFigures[], figure: keyof ReportFigures) => groups.reduce((sum, g) => sum + g[figure], 0);
  const secondsOf = (entries: BillableEntry[]) => entries.reduce((sum, e) => sum + e.seconds, 0);

  const entriesOf = (members: Array<[string, number]>, day: string): BillableEntry[] =>
    members.map(([userId, seconds]) => ({ entryId: randomUUID(), userId, day, seconds, taskId: null, milestoneId: null, note: null }));

  function approval(weekStart: string, entries: BillableEntry[], batch = 0): EventEnvelope<WeekApprovedData> {
    approved.set(weekStart, entries);
    return {
      id: randomUUID(),
      type: TimesheetEvents.weekApproved,
      tenant: { accountId: world.owner.accountId, workspaceId: world.workspaceId },
      aggregateId: contractId,
      aggregateVersion: 100 + batch,
      occurredAt: clock.now().toISOString(),
      data: {
        contractId,
        workspaceId: world.workspaceId,
        accountId: world.owner.accountId,
        weekStart,
        timeZone: 'Europe/Berlin',
        batch,
        approvedBy: 'client',
        actorUserId: world.client.userId,
        rateMinor: RATE,
        currency: 'EUR',
        entries,
        billableSeconds: entries.reduce((sum, e) => sum + e.seconds, 0),
        disputedEntryIds: [],
      },
    };
  }

  /** Saves `card` through the setup-mode Checkout the client admin opens; waits for payment_method_saved. */
  async function saveCard(card: string, last4: string) {
    const before = billingEventsOfContract().filter((e) => e.routingKey === TimesheetEvents.paymentMethodSaved).length;
    const opened = await api().post(`${ws()}/hourly-contract/payment-method`).set(bearer(world.client.token)).send({});
    expect(opened.status).toBe(200);
    const sessionId = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(opened.body.url as string)![1];
    const session = await world.stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ mode: 'setup', status: 'open', metadata: { hourlyContractId: contractId } });
    const { error } = await emulator().control.completeCheckout(sessionId, { payment_method: card });
    expect(error).toBeUndefined();
    await tap.waitFor(() => billingEventsOfContract().filter((e) => e.routingKey === TimesheetEvents.paymentMethodSaved).length > before);
    const saved = billingEventsOfContract().filter((e) => e.routingKey === TimesheetEvents.paymentMethodSaved)[before];
    expect(saved.body.data).toEqual({
      contractId,
      workspaceId: world.workspaceId,
      accountId: world.owner.accountId,
      brand: 'visa',
      last4,
      savedByUserId: world.client.userId,
    });
    return session;
  }

  const weekCharge = async (weekStart: string, batch = 0) => {
    const [row] = await world.billingDb.query(
      `select * from hourly_week_charges where contract_id = $1 and week_start = $2 and batch = $3`,
      [contractId, weekStart, batch],
    );
    return row as Record<string, unknown> | undefined;
  };

  async function paymentIntentsOf(chargeId: string): Promise<Stripe.PaymentIntent[]> {
    const [c] = await world.billingDb.query(`select stripe_customer_id from hourly_contracts where id = $1`, [contractId]);
    const all = await world.stripe.paymentIntents.list({ customer: c.stripe_customer_id, limit: 100 });
    return all.data.filter((pi) => pi.metadata.weekChargeId === chargeId);
  }

  it('lets only the client admin open the setup Checkout; the saved card is announced with brand and last four', async () => {
    const byOwner = await api().post(`${ws()}/hourly-contract/payment-method`).set(bearer(world.owner.token)).send({});
    expect(byOwner.status).toBe(403);
    const session = await saveCard('pm_card_visa', '4242');
    const [c] = await world.billingDb.query(`select * from hourly_contracts where id = $1`, [contractId]);
    expect(session.customer).toBe(c.stripe_customer_id);
    const saved = await world.stripe.paymentMethods.retrieve(c.payment_method_id);
    expect(saved).toMatchObject({ customer: c.stripe_customer_id, card: { last4: '4242' } });
  });

  it('charges an approved week once, delivered three times: destination charge with the plan fee, invoice with its PDF, billing.time_week.paid', async () => {
    const week = '2026-11-16';
    const alice = world.owner.userId;
    const bob = randomUUID();
    const entries = [
      ...entriesOf([[alice, 3 * 3600 + 1234]], '2026-11-16'),
      ...entriesOf(
        [
          [bob, 7200],
          [alice, 1800],
        ],
        '2026-11-17',
      ),
    ];
    const event = approval(week, entries);
    const amount = weekAmountMinor(event.data.billableSeconds, RATE);
    const fee = platformFee(amount, plan);
    // The same envelope twice (a redelivery) and the same batch under another id (approved twice): one charge.
    await publisher.publish(event);
    await publisher.publish(event);
    await publisher.publish({ ...event, id: randomUUID() });
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaid), 30_000);

    const charge = (await weekCharge(week))!;
    expect(charge).toMatchObject({ status: 'paid', attempts: 1, amount: String(amount) });
    const intents = await paymentIntentsOf(charge.id as string);
    expect(intents.map((pi) => pi.status)).toEqual(['succeeded']);
    expect(intents[0]).toMatchObject({
      amount,
      currency: 'eur',
      application_fee_amount: fee,
      transfer_data: { destination: connectedAccountId },
    });
    const stripeCharge = await world.stripe.charges.retrieve(intents[0].latest_charge as string);
    const transfer = await world.stripe.transfers.retrieve(stripeCharge.transfer as string);
    expect(transfer).toMatchObject({ amount, destination: connectedAccountId });
    expect((await world.stripe.applicationFees.retrieve(stripeCharge.application_fee as string)).amount).toBe(fee);

    // The invoice: our numbering, one line per member adding up to the amount, paid; its PDF rendered and published.
    const [invoice] = await world.billingDb.query(`select * from invoices where id = $1`, [charge.invoice_id]);
    expect(invoice).toMatchObject({ kind: 'invoice', total: String(amount), currency: 'EUR', order_id: charge.order_id });
    expect(invoice.paid_at).not.toBeNull();
    const lines = invoice.lines as Array<{ description: string; amount: number }>;
    expect(lines).toHaveLength(2);
    expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(amount);
    expect(lines[0].description).toContain(alice.slice(0, 8));
    expect(lines[0].description).toContain('3:50 h'); // alice: 3:20:34 + 0:30
    await tap.waitFor(
      () =>
        tap.events.some(
          (e) => e.routingKey === 'billing.document.rendered' && (e.body.data as { documentId: string }).documentId === invoice.id,
        ),
      30_000,
    );

    expect(weekEvents(week)).toEqual([
      {
        type: TimesheetEvents.weekPaid,
        contractId,
        workspaceId: world.workspaceId,
        accountId: world.owner.accountId,
        weekStart: week,
        timeZone: 'Europe/Berlin',
        batch: 0,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        amountMinor: amount,
        currency: 'EUR',
        platformFeeMinor: fee,
        transferredMinor: amount - fee,
        paidAt: expect.any(String),
      },
    ]);
    const [{ orders }] = await world.billingDb.query(`select count(*)::int as orders from orders where milestone_id = $1`, [charge.id]);
    expect(orders).toBe(1);
    // The earnings read model counts the week, its client the admin who approved it.
    const [earned] = await world.billingDb.query(`select * from earnings_order_state where order_id = $1`, [charge.order_id]);
    expect(earned).toMatchObject({
      charged: String(amount),
      released: String(amount),
      platform_fee: String(fee),
      client_user_id: world.client.userId,
    });
  });

  it('records a charge whose answer was lost (billing saw a 500 after Stripe charged) once, without charging again', async () => {
    const week = '2026-11-23';
    await emulator().control.addApiFault({ status: 500, method: 'POST', path_prefix: '/v1/payment_intents', phase: 'after', count: 1 });
    await publisher.publish(approval(week, entriesOf([[world.owner.userId, 5 * 3600]], '2026-11-24')));
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaid), 30_000);
    const charge = (await weekCharge(week))!;
    expect((await paymentIntentsOf(charge.id as string)).map((pi) => pi.status)).toEqual(['succeeded']);
    expect(weekEvents(week).map((e) => e.type)).toEqual([TimesheetEvents.weekPaid]);
    expect(weekEvents(week)[0]).toMatchObject({ amountMinor: 5 * RATE, platformFeeMinor: platformFee(5 * RATE, plan) });
  });

  it('fails a week whose card needs authentication (payment_failed with a retry), then charges it at once when a new card is saved', async () => {
    const week = '2026-11-30';
    await saveCard('pm_card_authenticationRequired', '3184');
    const approvedAt = clock.now().getTime();
    await publisher.publish(approval(week, entriesOf([[world.owner.userId, 3600]], '2026-12-01')));
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaymentFailed), 30_000);
    const [failed] = weekEvents(week);
    expect(failed).toMatchObject({
      type: TimesheetEvents.weekPaymentFailed,
      attempt: 1,
      declineCode: 'authentication_required',
      amountMinor: RATE,
      invoiceNumber: expect.any(String),
    });
    expect(new Date(failed.willRetryAt as string).getTime()).toBe(approvedAt + 3600_000);
    const charge = (await weekCharge(week))!;
    const declined = await paymentIntentsOf(charge.id as string);
    expect(declined.map((pi) => [pi.status, pi.last_payment_error?.code])).toEqual([
      ['requires_payment_method', 'authentication_required'],
    ]);

    // A new card: the week is retried at once, not at willRetryAt (billing's clock has not moved).
    await saveCard('pm_card_visa', '4242');
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaid), 30_000);
    expect(weekEvents(week).map((e) => [e.type, e.attempt ?? null])).toEqual([
      [TimesheetEvents.weekPaymentFailed, 1],
      [TimesheetEvents.weekPaid, null],
    ]);
    expect(await weekCharge(week)).toMatchObject({ status: 'paid', attempts: 2 });
    const intents = await paymentIntentsOf(charge.id as string);
    expect(intents.map((pi) => pi.status).sort()).toEqual(['requires_payment_method', 'succeeded']);
  });

  it('retries a declined week on its schedule and stops after the last retry (willRetryAt null)', async () => {
    const week = '2026-12-07';
    await saveCard('pm_card_chargeCustomerFail', '0341');
    await publisher.publish(approval(week, entriesOf([[world.owner.userId, 2 * 3600]], '2026-12-08')));
    const failures = () => weekEvents(week).filter((e) => e.type === TimesheetEvents.weekPaymentFailed);
    await tap.waitFor(() => failures().length === 1, 30_000);
    clock.advance(3600_000);
    await tap.waitFor(() => failures().length === 2, 30_000);
    clock.advance(7200_000);
    await tap.waitFor(() => failures().length === 3, 30_000);
    expect(failures().map((e) => [e.attempt, e.declineCode, e.willRetryAt === null])).toEqual([
      [1, 'card_declined', false],
      [2, 'card_declined', false],
      [3, 'card_declined', true],
    ]);
    // Nothing more is attempted, however long it stays unpaid.
    clock.advance(7 * 86_400_000);
    const charge = (await weekCharge(week))!;
    await eventually('no claim left', async () => {
      const [{ due }] = await world.billingDb.query(
        `select count(*)::int as due from hourly_week_charges where id = $1 and next_attempt_at is not null`,
        [charge.id],
      );
      return due === 0;
    });
    expect(await paymentIntentsOf(charge.id as string)).toHaveLength(3);
    expect(failures()).toHaveLength(3);
    expect(weekEvents(week).map((e) => e.type)).toEqual(Array(3).fill(TimesheetEvents.weekPaymentFailed));

    // The earnings report counts the paid weeks only: the unpaid one has no hours, no money, no group.
    const byWeek = await earnings('week');
    expect(byWeek.groups.map((g) => g.key)).toEqual(['2026-W47', '2026-W48', '2026-W49']);
    const paidWeeks = ['2026-11-16', '2026-11-23', '2026-11-30'];
    const paidSeconds = paidWeeks.reduce((sum, w) => sum + secondsOf(approved.get(w)!), 0);
    const paidGross = paidWeeks.reduce((sum, w) => sum + weekAmountMinor(secondsOf(approved.get(w)!), RATE), 0);
    expect(byWeek.totals).toMatchObject({ billedSeconds: paidSeconds, gross: paidGross, releases: 3 });
    expect((await earnings('month')).totals).toEqual(byWeek.totals);

    // Every event billing published about the contract, in order: saved cards and the weeks' outcomes, nothing else.
    expect(billingEventsOfContract().map((e) => e.routingKey)).toEqual([
      TimesheetEvents.paymentMethodSaved,
      TimesheetEvents.weekPaid,
      TimesheetEvents.weekPaid,
      TimesheetEvents.paymentMethodSaved,
      TimesheetEvents.weekPaymentFailed,
      TimesheetEvents.paymentMethodSaved,
      TimesheetEvents.weekPaid,
      TimesheetEvents.paymentMethodSaved,
      TimesheetEvents.weekPaymentFailed,
      TimesheetEvents.weekPaymentFailed,
      TimesheetEvents.weekPaymentFailed,
    ]);
    const versions = billingEventsOfContract().map(versionOf);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });

  // Last but one: billing's webhook endpoints point at the replicas this stops (the report's test needs no webhook).
  it('charges once when billing crashes after Stripe charged and before its outcome committed, and starts again', async () => {
    const week = '2026-12-14';
    await saveCard('pm_card_visa', '4242');
    // The new card also pays the week given up after its last retry (a saved card retries every unpaid week).
    await tap.waitFor(() => weekEvents('2026-12-07').some((e) => e.type === TimesheetEvents.weekPaid), 30_000);
    expect(weekEvents('2026-12-07').map((e) => e.type)).toEqual([
      ...Array(3).fill(TimesheetEvents.weekPaymentFailed),
      TimesheetEvents.weekPaid,
    ]);
    // Hold billing's outbox: the worker charges, then waits on its last write (billing.time_week.paid) with nothing committed.
    const holder = world.billingDb.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`lock table outbox_messages in exclusive mode`);
    const [{ pid: holderPid }] = await holder.query(`select pg_backend_pid() as pid`);
    try {
      await publisher.publish(approval(week, entriesOf([[world.owner.userId, 4 * 3600]], '2026-12-15')));
      const charge = await eventually('the week charge', () => weekCharge(week));
      await eventually('charged in Stripe, not recorded in billing', async () => {
        const intents = await paymentIntentsOf(charge.id as string);
        const [{ waiting }] = await world.billingDb.query(
          `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> $1`,
          [holderPid],
        );
        return intents.length === 1 && intents[0].status === 'succeeded' && waiting > 0;
      });
      expect(await weekCharge(week)).toMatchObject({ status: 'due', attempts: 0 });
      // The crash: every billing replica goes down; their blocked transactions die with their connections.
      const stopped = Promise.all([replica.close(), world.platform.stop('billing')]);
      let down = false;
      void stopped.then(() => (down = true));
      while (!down) {
        await world.billingDb.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> $1`,
          [holderPid],
        );
        await new Promise((r) => setTimeout(r, 100));
      }
      await stopped;
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    const charge = (await weekCharge(week))!;
    expect(charge).toMatchObject({ status: 'due', attempts: 0 });
    expect(weekEvents(week)).toEqual([]);

    replica = await startPlatform({ services: ['billing'], shareWith: world.platform, clock, env: { billing: BILLING_ENV } });
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaid), 30_000);
    expect(weekEvents(week).map((e) => e.type)).toEqual([TimesheetEvents.weekPaid]);
    expect((await paymentIntentsOf(charge.id as string)).map((pi) => pi.status)).toEqual(['succeeded']);
    expect(await weekCharge(week)).toMatchObject({ status: 'paid', attempts: 1 });
  });

  it('reports hours and earnings by member, task and week (JSON and CSV), the totals the sum of the groups', async () => {
    const week = '2026-12-21';
    const alice = world.owner.userId;
    const bob = randomUUID();
    const [design, build] = [randomUUID(), randomUUID()];
    const entry = (userId: string, taskId: string, seconds: number): BillableEntry => ({
      entryId: randomUUID(),
      userId,
      day: '2026-12-22',
      seconds,
      taskId,
      milestoneId: null,
      note: null,
    });
    // 4.5 h at 75.50: alice 3 h (2 h design, 1 h build), bob 1.5 h (1 h design, 0.5 h build); whole cents everywhere.
    const entries = [entry(alice, design, 7200), entry(bob, design, 3600), entry(alice, build, 3600), entry(bob, build, 1800)];
    await publisher.publish(approval(week, entries));
    await tap.waitFor(() => weekEvents(week).some((e) => e.type === TimesheetEvents.weekPaid), 30_000);
    const amount = weekAmountMinor(secondsOf(entries), RATE);
    expect(amount).toBe(33_975);

    const weeks = [...approved.keys()].sort();
    const all = weeks.flatMap((w) => approved.get(w)!);
    const grossOf = (w: string) => weekAmountMinor(secondsOf(approved.get(w)!), RATE);
    const totalGross = weeks.reduce((sum, w) => sum + grossOf(w), 0);
    const totalFees = weeks.reduce((sum, w) => sum + platformFee(grossOf(w), plan), 0);
    const expectedTotals = {
      gross: totalGross,
      platformFees: totalFees,
      net: totalGross - totalFees,
      releases: weeks.length,
      billedSeconds: secondsOf(all),
      hours: Math.round((secondsOf(all) / 3600) * 100) / 100,
    };

    // By week: ISO weeks of the weeks' Mondays, each the batch's amount, fee and seconds.
    const byWeek = await earnings('week');
    expect(byWeek.groups.map((g) => g.key)).toEqual(['2026-W47', '2026-W48', '2026-W49', '2026-W50', '2026-W51', '2026-W52']);
    byWeek.groups.forEach((g, i) => {
      const fee = platformFee(grossOf(weeks[i]), plan);
      expect([g.key, g.gross, g.platformFees, g.net, g.releases, g.billedSeconds]).toEqual([
        g.key,
        grossOf(weeks[i]),
        fee,
        grossOf(weeks[i]) - fee,
        1,
        secondsOf(approved.get(weeks[i])!),
      ]);
    });
    expect(byWeek.groups.at(-1)).toMatchObject({ gross: 33_975, billedSeconds: 16_200, hours: 4.5 });

    // By member: each member's money is their invoice lines' sum (the batch split by seconds), their hours their entries'.
    const byMember = await earnings('member');
    const memberGross = new Map<string, number>();
    for (const w of weeks)
      for (const m of memberShares(approved.get(w)!, RATE, grossOf(w)))
        memberGross.set(m.userId, (memberGross.get(m.userId) ?? 0) + m.amount);
    expect(byMember.groups.map((g) => [g.key, g.gross, g.billedSeconds]).sort()).toEqual(
      [...memberGross.entries()].map(([userId, gross]) => [userId, gross, secondsOf(all.filter((e) => e.userId === userId))]).sort(),
    );
    const bobGroup = byMember.groups.find((g) => g.key === bob)!;
    expect(bobGroup).toMatchObject({ gross: 11_325, billedSeconds: 5400, hours: 1.5 });
    expect(bobGroup.net).toBe(bobGroup.gross - bobGroup.platformFees);

    // By task: untasked time is `none`; the new week's tasks hold their seconds and their share of the amount.
    const byTask = await earnings('task');
    const taskGroup = (key: string) => byTask.groups.find((g) => g.key === key)!;
    expect(byTask.groups.map((g) => g.key).sort()).toEqual([build, design, 'none'].sort());
    expect(taskGroup(design)).toMatchObject({ gross: 15_100 + 7_550, billedSeconds: 10_800, hours: 3 });
    expect(taskGroup(build)).toMatchObject({ gross: 7_550 + 3_775, billedSeconds: 5400, hours: 1.5 });
    expect(taskGroup('none')).toMatchObject({ gross: totalGross - amount, billedSeconds: secondsOf(all) - 16_200 });

    // Every grouping: the totals are the sum of its groups and the same figures (no milestone money on this account).
    for (const section of [byWeek, byMember, byTask, await earnings('month'), await earnings('client')]) {
      expect(section.totals).toMatchObject(expectedTotals);
      for (const f of ['gross', 'platformFees', 'net', 'releases', 'billedSeconds'] as const)
        expect([f, sumOf(section.groups, f)]).toEqual([f, section.totals[f]]);
    }
    expect((await earnings('month')).groups.map((g) => g.billedSeconds)).toEqual([secondsOf(all)]);

    // CSV: the same figures, a line per group then the total.
    const csv = await api()
      .get(`/api/v1/reports/earnings?${period()}&groupBy=member&currency=EUR&format=csv`)
      .set(bearer(world.owner.token));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...lines] = csv.text.trimEnd().split('\r\n');
    const columns = header.split(',');
    expect(columns).toEqual([
      'currency',
      'group_by',
      'group',
      'gross',
      'platform_fees',
      'refunds',
      'disputes',
      'net',
      'in_escrow',
      'releases',
      'average_days_to_release',
      'billed_seconds',
      'hours',
    ]);
    const row = (key: string, f: ReportFigures) =>
      ['EUR', 'member', key, f.gross, f.platformFees, 0, 0, f.net, 0, f.releases, '', f.billedSeconds, f.hours].map(String);
    expect(lines.map((l) => l.split(','))).toEqual([...byMember.groups.map((g) => row(g.key, g)), row('total', byMember.totals)]);
  });
});
