import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingEvents, BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  inviteAndJoin,
  MutableClock,
  onboardToConnect,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { ChargebackEvidenceWorker } from '../../apps/billing/src/chargebacks/chargeback-evidence.worker';
import { ReleaseWorker } from '../../apps/billing/src/release/release.worker';
import { uploadFile } from '../files/files-fixtures';
import { checkLedgerInvariantsAfterEach } from './ledger-invariants';

/**
 * Chargebacks on milestone payments, against the emulator: the client's bank takes the money
 * back; billing freezes the release, answers Stripe with the evidence the workspace recorded
 * (unless the freelancer answers personally), and follows the outcome: won → the release goes
 * ahead; lost → the money counts as refunded (after a release: the freelancer's share reversed).
 * The files service runs (on a local S3) so that a real upload's files.version.ready tells
 * billing the deliverable's file name; pinning stays off so the other cases may deliver
 * version ids billing never heard of (their evidence says the name is unknown).
 */
describe('billing: chargebacks', () => {
  const clock = new MutableClock(new Date());
  let platform: RunningPlatform;
  let s3: TestS3;
  let stripe: Stripe;
  let rpc: RpcClient;
  let billingDb: DataSource;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${workspaceId}/milestones`;
  const emulator = () => platform.stripe!.emulator;
  const releases = () => platform.apps.billing!.get(ReleaseWorker);
  const evidence = () => platform.apps.billing!.get(ChargebackEvidenceWorker);

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing'],
      clock,
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        workspace: { REVIEW_TIMER_POLL_MS: '0', DELIVERABLE_PINNING: 'off' },
        billing: { RELEASE_POLL_MS: '0', RELEASE_RETRY_BASE_SECONDS: '60', CHARGEBACK_EVIDENCE_POLL_MS: '0' },
      },
    });
    stripe = new Stripe(emulator().apiKey, emulator().stripeConfig);
    rpc = new RpcClient({ url: platform.amqpUrl });
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    owner = await signUp(platform.gatewayUrl, 'Charged-back Freelancer');
    await onboardToConnect(platform.gatewayUrl, owner);
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    client = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
  });

  afterAll(async () => {
    await billingDb?.destroy();
    await rpc?.close();
    await platform?.close();
    await s3?.close();
  });

  checkLedgerInvariantsAfterEach(() => billingDb);

  const payment = (id: string): Promise<PaymentView> => {
    const ctx: RpcContext = { requestId: randomUUID(), userId: owner.userId, accountId: owner.accountId, workspaceId, token: owner.token };
    return rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
  };
  const status = async (id: string) => (await api().get(`${base()}/${id}`).set(bearer(owner.token))).body.status as string;
  const ledger = async (id: string) => (await payment(id)).ledger.map((e) => ({ kind: e.kind, amount: e.amount }));
  const billingEvents = async (id: string): Promise<Array<{ type: string; outcome: string | null; disputed: number }>> =>
    billingDb.query(
      `select payload->>'type' as type, payload->'data'->>'outcome' as outcome, (payload->'data'->'money'->>'disputed')::int as disputed
         from outbox_messages where payload->>'aggregateId' = $1 and payload->>'type' like 'billing.milestone.dispute%'
        order by (payload->>'aggregateVersion')::int`,
      [id],
    );
  const respondMyself = (id: string, user: SignedUpUser) =>
    api().post(`${base()}/${id}/chargeback/respond-myself`).set(bearer(user.token)).send();

  /** A milestone agreed, funded and (optionally) delivered; answers its id and charge. */
  async function fundedMilestone(title: string, amount: number, deliverable?: string): Promise<{ id: string; chargeId: string }> {
    const created = await api()
      .post(base())
      .set(bearer(owner.token))
      .send({ title, description: `${title}: the agreed scope`, amount, currency: 'USD', reviewWindowDays: 3 });
    const id = created.body.id as string;
    await api().post(`${base()}/${id}/propose`).set(bearer(owner.token)).send({});
    expect((await api().post(`${base()}/${id}/accept`).set(bearer(client.token)).send({})).status).toBe(200);
    expect((await api().post(`${base()}/${id}/fund`).set(bearer(client.token)).send()).status).toBe(200);
    await emulator().control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, { outcome: 'success' });
    await eventually('funded', async () => (await status(id)) === 'funded');
    if (deliverable)
      expect(
        (await api().post(`${base()}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: deliverable })).status,
      ).toBe(200);
    return { id, chargeId: (await payment(id)).stripe.chargeId as string };
  }

  async function openChargeback(id: string, chargeId: string, amount: number): Promise<Stripe.Dispute> {
    const dispute = await emulator().control.openDispute(chargeId, { reason: 'fraudulent' });
    await eventually('chargeback applied', async () => (await payment(id)).money.disputed === amount);
    await eventually('milestone frozen', async () => (await status(id)) === 'disputed');
    return dispute;
  }

  it('freezes an approved release while open, submits the evidence, and releases once won', async () => {
    const amount = 120_000;
    const { versionId: deliverable } = await uploadFile(
      platform.gatewayUrl,
      owner,
      workspaceId,
      'brand-identity-final.pdf',
      'the delivered brand identity',
      'application/pdf',
    );
    const { id, chargeId } = await fundedMilestone('Brand identity', amount, deliverable);

    // The approval reaches billing while Stripe refuses transfers, so the release waits…
    await emulator().control.addApiFault({ status: 500, count: 1000, method: 'POST', path_prefix: '/v1/transfers' });
    expect((await api().post(`${base()}/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
    await eventually('release pending', async () => (await payment(id)).release.status === 'release_pending');
    // …and the client's bank charges back meanwhile.
    const dispute = await openChargeback(id, chargeId, amount);
    await emulator().control.clearApiFaults();
    clock.advance(10 * 60_000);
    await releases().runOnce();
    const frozen = await payment(id);
    expect(frozen.release).toMatchObject({ status: 'release_pending', reason: 'a chargeback is open on the payment' });
    expect(frozen.money).toMatchObject({ status: 'held', charged: amount, released: 0, disputed: amount });
    expect((await stripe.transfers.list({ transfer_group: id })).data).toHaveLength(0);
    expect(await ledger(id)).toEqual(
      expect.arrayContaining([
        { kind: 'dispute', amount },
        { kind: 'dispute_fee', amount: 1500 },
      ]),
    );

    // The upload's files.version.ready reaches billing through the exchange, like every event it consumes.
    await eventually(
      'billing knows the file name',
      async () => (await billingDb.query(`select 1 from file_version_names where version_id = $1`, [deliverable])).length === 1,
    );
    // Nobody chose to answer personally: a day later billing answers Stripe, before the due date.
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 0 });
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({
        id: dispute.id,
        status: 'open',
        amount,
        currency: 'USD',
        reason: 'fraudulent',
        evidence: 'scheduled',
        dueBy: new Date(dispute.evidence_details.due_by! * 1000).toISOString(),
        evidenceSubmittedAt: null,
      }),
    ]);
    clock.advance(25 * 3600_000);
    expect(await evidence().runOnce()).toEqual({ submitted: 1, failed: 0, flagged: 0 });
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({ id: dispute.id, status: 'open', evidence: 'submitted', evidenceSubmittedAt: expect.any(String) }),
    ]);
    const answered = await stripe.disputes.retrieve(dispute.id);
    expect(answered.status).toBe('under_review');
    expect(answered.evidence_details.submission_count).toBe(1);
    expect(answered.evidence.product_description).toContain('Brand identity');
    expect(answered.evidence.product_description).toContain('Brand identity: the agreed scope');
    expect(answered.evidence.product_description).toContain(`${amount} USD`);
    expect(answered.evidence.uncategorized_text).toMatch(new RegExp(`The client \\(user ${client.userId}\\) accepted the milestone`));
    expect(answered.evidence.uncategorized_text).toContain(
      `deliverable file "brand-identity-final.pdf" (file version ${deliverable}), pinned to the milestone.`,
    );
    expect(answered.evidence.uncategorized_text).not.toContain('file name not known');
    expect(answered.evidence.uncategorized_text).toMatch(
      new RegExp(`The client \\(user ${client.userId}\\) approved the delivered work at \\d{4}-`),
    );
    const log = answered.evidence.access_activity_log ?? '';
    expect(log.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(`^user ${client.userId} accepted the milestone`),
        expect.stringMatching(`^user ${owner.userId} delivered the work: deliverable file "brand-identity-final.pdf"`),
        expect.stringMatching(`^user ${client.userId} approved the delivered work`),
      ]),
    );
    expect(answered.evidence.service_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Too late to take over now: billing has answered this one.
    const late = await respondMyself(id, owner);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('chargeback_evidence_already_submitted');

    // Won: the amount comes back (the fee does not) and the waiting release goes ahead, once.
    await emulator().control.closeDispute(dispute.id, 'won');
    await eventually('chargeback closed', async () => (await payment(id)).money.disputed === 0);
    await releases().runOnce();
    const released = await payment(id);
    const fee = platformFee(amount, 'free');
    expect(released.money).toMatchObject({ status: 'released', released: amount, platformFee: fee, refunded: 0, disputed: 0 });
    expect((await stripe.transfers.list({ transfer_group: id })).data.map((t) => t.amount)).toEqual([amount - fee]);
    expect(await ledger(id)).toEqual(expect.arrayContaining([{ kind: 'dispute_reinstatement', amount }]));
    await eventually('released in the workspace', async () => (await status(id)) === 'released');
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({ id: dispute.id, status: 'won', stripeStatus: 'won', evidence: 'submitted', closedAt: expect.any(String) }),
    ]);
    // created, funds_withdrawn, updated, funds_reinstated, closed: one event per fact.
    expect(await billingEvents(id)).toEqual([
      { type: BillingEvents.milestoneDisputed, outcome: null, disputed: amount },
      { type: BillingEvents.milestoneDisputeClosed, outcome: 'won', disputed: 0 },
    ]);
  });

  it('submits nothing when the freelancer answers personally; lost → refunded, no release', async () => {
    const amount = 45_000;
    const { id, chargeId } = await fundedMilestone('Landing page', amount);
    const dispute = await openChargeback(id, chargeId, amount);

    expect((await respondMyself(id, client)).status).toBe(403);
    const chosen = await respondMyself(id, owner);
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ milestoneId: id, respondsMyself: true, chosenBy: owner.userId });
    clock.advance(7 * 24 * 3600_000);
    await evidence().runOnce();
    expect((await stripe.disputes.retrieve(dispute.id)).evidence_details.submission_count).toBe(0);
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({ id: dispute.id, status: 'open', evidence: 'freelancer_responds', evidenceSubmittedAt: null }),
    ]);

    await emulator().control.closeDispute(dispute.id, 'lost');
    await eventually('chargeback lost', async () => (await payment(id)).money.status === 'refunded');
    expect((await payment(id)).money).toMatchObject({ charged: amount, released: 0, refunded: amount, disputed: 0 });
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({ id: dispute.id, status: 'lost', amount, evidence: 'freelancer_responds' }),
    ]);
    // Entries of one transaction share a timestamp: compared by kind.
    const byKind = (await ledger(id)).sort((a, b) => a.kind.localeCompare(b.kind));
    expect(byKind).toEqual([
      { kind: 'charge', amount },
      { kind: 'dispute', amount },
      { kind: 'dispute_fee', amount: 1500 },
      { kind: 'stripe_fee', amount: expect.any(Number) },
    ]);
    expect(await billingEvents(id)).toEqual([
      { type: BillingEvents.milestoneDisputed, outcome: null, disputed: amount },
      { type: BillingEvents.milestoneDisputeClosed, outcome: 'lost', disputed: 0 },
    ]);
    await eventually('refunded in the workspace', async () => (await status(id)) === 'refunded');
    expect(
      (await api().post(`${base()}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() })).status,
    ).toBe(409);
    await releases().runOnce();
    expect((await stripe.transfers.list({ transfer_group: id })).data).toHaveLength(0);
  });

  it('lost after the release: the freelancer’s share is reversed and the whole amount counts as refunded', async () => {
    const amount = 60_000;
    const { id, chargeId } = await fundedMilestone('Copywriting', amount, randomUUID());
    expect((await api().post(`${base()}/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
    await eventually('released', async () => {
      await releases().runOnce();
      return (await payment(id)).release.status === 'released';
    });
    const transferId = (await payment(id)).stripe.transferId as string;
    const dispute = await openChargeback(id, chargeId, amount);

    await emulator().control.closeDispute(dispute.id, 'lost');
    await eventually('chargeback lost', async () => (await payment(id)).money.status === 'refunded');
    const fee = platformFee(amount, 'free');
    expect((await payment(id)).money).toMatchObject({ charged: amount, released: 0, platformFee: 0, refunded: amount, disputed: 0 });
    const reversals = await stripe.transfers.listReversals(transferId);
    expect(reversals.data.map((r) => r.amount)).toEqual([amount - fee]);
    expect(await ledger(id)).toEqual(expect.arrayContaining([{ kind: 'reversal', amount: amount - fee }]));
    await eventually('refunded in the workspace', async () => (await status(id)) === 'refunded');
  });

  it('applies the same outcome when Stripe loses, duplicates and reorders the dispute events', async () => {
    const amount = 30_000;
    const { id, chargeId } = await fundedMilestone('Logo refresh', amount);
    const { webhookEndpoints } = platform.stripe!;
    const dispute = ['charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.closed'];
    await emulator().control.addWebhookFault(webhookEndpoints.platform, { mode: 'drop', eventTypes: ['charge.dispute.created'] });
    await emulator().control.addWebhookFault(webhookEndpoints.platform, {
      mode: 'duplicate',
      copies: 2,
      concurrent: true,
      eventTypes: dispute,
    });
    await emulator().control.addWebhookFault(webhookEndpoints.platform, { mode: 'shuffle', window: 50, seed: 3, eventTypes: dispute });
    try {
      const opened = await emulator().control.openDispute(chargeId);
      await emulator().control.closeDispute(opened.id, 'lost');
      await emulator().control.flushShuffled(webhookEndpoints.platform);
      await eventually('chargeback lost', async () => (await payment(id)).money.status === 'refunded');
    } finally {
      await emulator().control.clearWebhookFaults(webhookEndpoints.platform);
    }
    expect((await payment(id)).money).toMatchObject({ charged: amount, released: 0, refunded: amount, disputed: 0 });
    const entries = (await ledger(id)).filter((e) => e.kind.startsWith('dispute'));
    expect(entries.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'dispute', amount },
      { kind: 'dispute_fee', amount: 1500 },
    ]);
    const closed = (await billingEvents(id)).filter((e) => e.type === BillingEvents.milestoneDisputeClosed);
    expect(closed).toEqual([{ type: BillingEvents.milestoneDisputeClosed, outcome: 'lost', disputed: 0 }]);
    await eventually('refunded in the workspace', async () => (await status(id)) === 'refunded');
  });

  it('an inquiry freezes without moving money; evidence is retried after Stripe fails; the escalated loss is recorded', async () => {
    const amount = 25_000;
    // Billing's clock ran ahead in the cases before: Stripe's (whose due dates billing compares with its own) catches up.
    await emulator().control.setClock(Math.max(await emulator().control.now(), Math.floor(clock.now().getTime() / 1000)));
    const unknownVersion = randomUUID(); // no file the files service made: billing never heard its name
    const { id, chargeId } = await fundedMilestone('Newsletter', amount, unknownVersion);
    const inquiry = await emulator().control.openDispute(chargeId, { inquiry: true });
    await eventually('inquiry applied', async () => (await payment(id)).money.disputed === amount);
    expect((await ledger(id)).map((e) => e.kind)).not.toContain('dispute');

    // Stripe fails the submission twice, the SDK's own two retries included each time: retried with backoff.
    await emulator().control.addApiFault({ status: 500, count: 6, method: 'POST', path_prefix: `/v1/disputes/${inquiry.id}` });
    clock.advance(25 * 3600_000);
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 1, flagged: 0 });
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 0 }); // not before the backoff (60 s)
    clock.advance(61_000);
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 1, flagged: 0 });
    clock.advance(61_000);
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 0 }); // the second wait is twice as long
    clock.advance(60_000);
    expect(await evidence().runOnce()).toEqual({ submitted: 1, failed: 0, flagged: 0 });
    expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 0 });
    expect((await payment(id)).chargebacks).toEqual([
      expect.objectContaining({ id: inquiry.id, evidence: 'submitted', evidenceAttempts: 2, evidenceLastError: null }),
    ]);
    const answered = await stripe.disputes.retrieve(inquiry.id);
    expect(answered).toMatchObject({ status: 'warning_under_review', evidence_details: { submission_count: 1 } });
    expect(answered.evidence.uncategorized_text).toContain(
      `deliverable file version ${unknownVersion} (file name not known to billing), pinned to the milestone.`,
    );

    // The inquiry escalates and is lost: the withdrawal and its fee arrive only now.
    await emulator().control.closeDispute(inquiry.id, 'lost');
    await eventually('inquiry lost', async () => (await payment(id)).money.status === 'refunded');
    expect(await ledger(id)).toEqual(
      expect.arrayContaining([
        { kind: 'dispute', amount },
        { kind: 'dispute_fee', amount: 1500 },
      ]),
    );
    expect((await payment(id)).release).toEqual({ status: 'not_due' });
  });

  it('flags a chargeback whose due date passes while Stripe keeps failing, and submits nothing late', async () => {
    const amount = 15_000;
    // Billing's clock ran ahead in the cases before: Stripe's (whose due dates billing compares with its own) catches up.
    await emulator().control.setClock(Math.max(await emulator().control.now(), Math.floor(clock.now().getTime() / 1000)));
    const { id, chargeId } = await fundedMilestone('Late answer', amount, randomUUID());
    const dispute = await openChargeback(id, chargeId, amount);
    await emulator().control.addApiFault({ status: 500, count: 1000, method: 'POST', path_prefix: `/v1/disputes/${dispute.id}` });
    try {
      clock.advance(25 * 3600_000);
      expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 1, flagged: 0 });
      // Stripe's due date passes while it still refuses.
      const due = (dispute.evidence_details.due_by as number) * 1000;
      clock.advance(due - clock.now().getTime() + 60_000);
      expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 1 });
      await emulator().control.clearApiFaults();
      clock.advance(3600_000);
      expect(await evidence().runOnce()).toEqual({ submitted: 0, failed: 0, flagged: 0 });
    } finally {
      await emulator().control.clearApiFaults();
    }
    expect((await stripe.disputes.retrieve(dispute.id)).evidence_details.submission_count).toBe(0);
    const [view] = (await payment(id)).chargebacks;
    expect(view).toMatchObject({ id: dispute.id, status: 'open', evidence: 'past_due', evidenceAttempts: 1, evidenceSubmittedAt: null });
    expect(view.evidenceLastError).toMatch(/due date .* passed before the evidence was submitted/);
  });
});
