import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, InvoiceView, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  grantPlan,
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
import type { StripeEventHandler } from '../../apps/billing/src/webhooks/stripe-event-handler';
import { pdfText } from './pdf-text';

/**
 * Fails the first processing of the checkouts it is told to (after the invoice was numbered in
 * the same transaction): the webhook's transaction rolls back and is retried, so a number taken
 * and given back must not leave a gap. Both billing replicas share it (they run in this process).
 */
class FailOnceAfterInvoicing implements StripeEventHandler {
  readonly eventTypes = ['checkout.session.completed'];
  readonly sessions = new Set<string>();
  failed = 0;

  async handle(event: Stripe.Event): Promise<void> {
    const id = (event.data.object as { id: string }).id;
    if (!this.sessions.delete(id)) return;
    this.failed += 1;
    throw new Error(`probe: failing ${id} once, after its invoice was numbered`);
  }
}

/**
 * Invoices and credit notes against the Stripe emulator, real PostgreSQL, RabbitMQ and s3rver:
 * a funded milestone is invoiced by the freelancer's account to the client, numbered without
 * gaps per account (also with 50 payments finalised at once on two billing replicas), reset
 * each year where the pattern says so; a refund is credited against its invoice; both
 * documents are PDFs stored pinned in the workspace through the files service, downloadable by
 * both sides and by no one else.
 */
/** A failed webhook is retried a clock-second later (the test moves the clock while it waits). */
const BILLING_ENV = { STRIPE_WEBHOOK_RETRY_BASE_MS: '500', STRIPE_WEBHOOK_RETRY_MAX_MS: '1000', STRIPE_WEBHOOK_POLL_MS: '200' };

describe('billing: invoices, credit notes and their PDFs', () => {
  // Billing's clock (issue dates, the number's year); every service reads it, so a year can end on demand.
  const clock = new MutableClock('2031-06-02T10:00:00Z');
  const failOnce = new FailOnceAfterInvoicing();
  let s3: TestS3;
  let platform: RunningPlatform;
  let replica: RunningPlatform;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing'],
      clock,
      stripeEventHandlers: [failOnce],
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        workspace: { DELIVERABLE_PINNING: 'off' },
        billing: BILLING_ENV,
      },
    });
    // A second billing replica on the same databases and broker: both process webhooks and render PDFs.
    replica = await startPlatform({
      services: ['billing'],
      shareWith: platform,
      clock,
      stripeEventHandlers: [failOnce],
      env: { billing: BILLING_ENV },
    });
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    rpc = new RpcClient({ url: platform.amqpUrl, timeoutMs: 20_000 });
    ({ owner, client, workspaceId } = await engagement('Zoë Łukasiewicz'));
  });

  afterAll(async () => {
    await rpc?.close();
    await billingDb?.destroy();
    await replica?.close();
    await platform?.close();
    await s3?.close();
  });

  /** A freelancer onboarded to Connect (enterprise plan: no proposal limits), a workspace and its client admin. */
  async function engagement(name: string) {
    const freelancer = await signUp(platform.gatewayUrl, name);
    await onboardToConnect(platform.gatewayUrl, freelancer);
    await grantPlan(platform, freelancer.accountId, 'enterprise', ['workspace', 'files']);
    const ws = (await createWorkspace(platform.gatewayUrl, freelancer)).id;
    const admin = await inviteAndJoin(platform.gatewayUrl, freelancer, ws, 'client_admin');
    return { owner: freelancer, client: admin, workspaceId: ws };
  }

  const ctxOf = (who: SignedUpUser, ws: string): RpcContext => ({
    requestId: randomUUID(),
    userId: who.userId,
    accountId: who.accountId,
    workspaceId: ws,
    token: who.token,
  });

  /** Proposes, accepts, funds through Checkout and pays a milestone; answers once billing holds the money. */
  async function fundMilestone(
    e: { owner: SignedUpUser; client: SignedUpUser; workspaceId: string },
    amount: number,
    currency: string,
    title: string,
  ) {
    const base = `/api/v1/workspaces/${e.workspaceId}/milestones`;
    const created = await api().post(base).set(bearer(e.owner.token)).send({ title, amount, currency });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await api().post(`${base}/${id}/propose`).set(bearer(e.owner.token)).send({})).status).toBe(200);
    expect((await api().post(`${base}/${id}/accept`).set(bearer(e.client.token)).send({})).status).toBe(200);
    await rpc.call(BillingPaymentsRpc.fund, { workspaceId: e.workspaceId, milestoneId: id }, ctxOf(e.client, e.workspaceId));
    const payment = (): Promise<PaymentView> =>
      rpc.call(BillingPaymentsRpc.get, { workspaceId: e.workspaceId, milestoneId: id }, ctxOf(e.owner, e.workspaceId));
    await platform.stripe!.emulator.control.completeCheckout((await payment()).stripe.checkoutSessionId as string, { outcome: 'success' });
    await eventually('held', async () => ((await payment()).money.status === 'held' ? true : null), { timeoutMs: 60_000 });
    return { id, base };
  }

  const invoices = async (who: SignedUpUser, ws = workspaceId) => {
    const res = await api().get(`/api/v1/workspaces/${ws}/invoices`).set(bearer(who.token));
    expect(res.status).toBe(200);
    return res.body.items as InvoiceView[];
  };
  const invoiceOf = (milestoneId: string, who = client, ws = workspaceId) =>
    eventually(`invoice of ${milestoneId}`, async () =>
      (await invoices(who, ws)).find((i) => i.milestoneId === milestoneId && i.kind === 'invoice'),
    );
  /** The document once its PDF is stored, as `who` reads it. */
  const stored = (id: string, who = client, ws = workspaceId) =>
    eventually(
      `PDF of ${id} stored`,
      async () => {
        const res = await api().get(`/api/v1/workspaces/${ws}/invoices/${id}`).set(bearer(who.token));
        return res.status === 200 && res.body.pdf.status === 'stored' ? (res.body as InvoiceView) : null;
      },
      { timeoutMs: 30_000 },
    );
  const downloadPdf = async (id: string, who: SignedUpUser, ws = workspaceId) => {
    const res = await api().get(`/api/v1/workspaces/${ws}/invoices/${id}/pdf`).set(bearer(who.token));
    expect(res.status).toBe(200);
    const file = await fetch(res.body.url as string);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    return Buffer.from(await file.arrayBuffer());
  };
  /** Intl separates some currency signs with a no-break space; the PDF's text is compared with plain spaces. */
  const plain = (text: string) => text.replace(/\s+/g, ' ');

  describe('invoicing details', () => {
    it('are the owner’s to set, validated, and the client sets the buyer’s', async () => {
      const profile = '/api/v1/billing/invoice-profile';
      expect((await api().get(profile).set(bearer(owner.token))).body).toMatchObject({
        businessName: null,
        taxRateBasisPoints: 0,
        invoiceNumberPattern: 'INV-{YYYY}-{0000}',
        creditNoteNumberPattern: 'CN-{YYYY}-{0000}',
      });
      const bad = await api()
        .patch(profile)
        .set(bearer(owner.token))
        .send({ invoiceNumberPattern: 'INV-{YYYY}', taxRateBasisPoints: 10_001 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      expect((bad.body.error.details.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
        'invoiceNumberPattern',
        'taxRateBasisPoints',
      ]);
      // The profile is always the caller's own account's: the client (who signed up with an account of their own)
      // writes theirs, never the freelancer's.
      const byClient = await api().patch(profile).set(bearer(client.token)).send({ businessName: 'Client’s own business' });
      expect(byClient.status).toBe(200);
      expect((await api().get(profile).set(bearer(owner.token))).body.businessName).toBeNull();

      const saved = await api().patch(profile).set(bearer(owner.token)).send({
        businessName: 'Zoë Łukasiewicz Design',
        address: 'Hauptstraße 5\n10115 Berlin',
        taxId: 'DE123456789',
        taxRateBasisPoints: 2000,
        taxNote: 'Payable within 14 days.',
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        businessName: 'Zoë Łukasiewicz Design',
        taxRateBasisPoints: 2000,
        invoiceNumberPattern: 'INV-{YYYY}-{0000}',
      });

      const buyer = `/api/v1/workspaces/${workspaceId}/invoice-buyer`;
      // The buyer's details are the client's: the freelancer does not write them.
      expect((await api().put(buyer).set(bearer(owner.token)).send({ name: 'Ærø Cykler ApS' })).status).toBe(403);
      expect((await api().put(buyer).set(bearer(client.token)).send({ name: '' })).status).toBe(400);
      const set = await api()
        .put(buyer)
        .set(bearer(client.token))
        .send({ name: 'Ærø Cykler ApS', address: 'Havnegade 1, Ærøskøbing', taxId: 'DK12345678' });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ workspaceId, name: 'Ærø Cykler ApS', taxId: 'DK12345678' });
    });
  });

  describe('an escrow payment', () => {
    let invoice: InvoiceView;
    let milestoneId: string;
    let base: string;

    it('is invoiced by the freelancer’s account to the client, with the tax taken out of what was paid', async () => {
      ({ id: milestoneId, base } = await fundMilestone({ owner, client, workspaceId }, 12_000, 'EUR', 'Brand identity — phase 1'));
      invoice = await invoiceOf(milestoneId);
      expect(invoice).toMatchObject({
        kind: 'invoice',
        number: 'INV-2031-0001',
        currency: 'EUR',
        seller: { name: 'Zoë Łukasiewicz Design', address: 'Hauptstraße 5\n10115 Berlin', taxId: 'DE123456789' },
        buyer: { name: 'Ærø Cykler ApS', address: 'Havnegade 1, Ærøskøbing', taxId: 'DK12345678' },
        lines: [{ description: 'Brand identity — phase 1', quantity: 1, unitAmount: 12_000, amount: 12_000 }],
        subtotal: 10_000,
        taxRateBasisPoints: 2000,
        taxAmount: 2000,
        total: 12_000,
        taxNote: 'Payable within 14 days.',
        issuedAt: clock.now().toISOString(),
        paidAt: clock.now().toISOString(),
        creditFor: null,
        creditNotes: [],
        // The platform's fee is the freelancer's business, not the client's.
        platformFee: null,
      });
      const ownView = (await invoices(owner)).find((i) => i.id === invoice.id)!;
      // The fee billing will keep at release: its plan's (billing's own copy of the account's plan).
      const [account] = await billingDb.query(`select plan from billing_accounts where account_id = $1`, [owner.accountId]);
      expect(ownView.platformFee).toBe(platformFee(12_000, account?.plan ?? 'free'));
      expect(ownView.platformFee).toBeGreaterThan(0);
    });

    it('is a PDF both sides download, with the number, both parties and the amounts as formatted', async () => {
      const ready = await stored(invoice.id);
      expect(ready.pdf.fileVersionId).toEqual(expect.any(String));
      const fromClient = await downloadPdf(invoice.id, client);
      const fromOwner = await downloadPdf(invoice.id, owner);
      expect(fromOwner.equals(fromClient)).toBe(true);
      expect(fromClient.subarray(0, 5).toString()).toBe('%PDF-');
      const text = plain(await pdfText(fromClient));
      for (const expected of [
        'Invoice INV-2031-0001',
        'Zoë Łukasiewicz Design',
        'Hauptstraße 5',
        'DE123456789',
        'Ærø Cykler ApS',
        'DK12345678',
        'Brand identity — phase 1',
        '€120.00',
        '€100.00',
        '€20.00',
        'Tax (20%)',
        'Currency: EUR',
        'Payable within 14 days.',
      ]) {
        expect(text).toContain(expected);
      }
      // The fee is not on the client's document.
      expect(text).not.toContain('fee');
    });

    it('is stored in the workspace’s files, pinned: nobody deletes or unpins it', async () => {
      const ready = await stored(invoice.id);
      const files = await api().get(`/api/v1/workspaces/${workspaceId}/files`).set(bearer(owner.token));
      const file = (files.body.items as Array<{ id: string; name: string; latestVersion: { id: string; pinnedFor: string | null } }>).find(
        (f) => f.id === ready.pdf.fileId,
      );
      expect(file).toMatchObject({
        name: 'INV-2031-0001.pdf',
        latestVersion: { id: ready.pdf.fileVersionId, pinnedFor: `invoice:${invoice.id}` },
      });
      const filePath = `/api/v1/workspaces/${workspaceId}/files/${ready.pdf.fileId}`;
      expect((await api().delete(filePath).set(bearer(owner.token))).status).toBe(409);
      expect((await api().delete(`${filePath}/versions/${ready.pdf.fileVersionId}`).set(bearer(owner.token))).status).toBe(409);
      expect((await api().delete(`${filePath}/versions/${ready.pdf.fileVersionId}/pin`).set(bearer(owner.token))).status).toBe(409);
      expect((await api().get(`${filePath}/download`).set(bearer(client.token))).status).toBe(200);
    });

    it('never changes once issued: later details apply to later invoices only', async () => {
      await api()
        .patch('/api/v1/billing/invoice-profile')
        .set(bearer(owner.token))
        .send({ businessName: 'Renamed Studio', taxRateBasisPoints: 1000 });
      const again = await api().get(`/api/v1/workspaces/${workspaceId}/invoices/${invoice.id}`).set(bearer(client.token));
      expect(again.body).toMatchObject({ seller: { name: 'Zoë Łukasiewicz Design' }, taxRateBasisPoints: 2000, taxAmount: 2000 });
      await api()
        .patch('/api/v1/billing/invoice-profile')
        .set(bearer(owner.token))
        .send({ businessName: 'Zoë Łukasiewicz Design', taxRateBasisPoints: 2000 });
    });

    it('a refund is credited against the invoice in the credit notes’ own series', async () => {
      const refunded = await api().post(`${base}/${milestoneId}/refunds`).set(bearer(owner.token)).send({ amount: 4_800 });
      expect(refunded.status).toBe(201);
      expect(refunded.body.status).toBe('succeeded');
      const note = await eventually('credit note', async () =>
        (await invoices(client)).find((i) => i.kind === 'credit_note' && i.creditFor?.invoiceId === invoice.id),
      );
      expect(note).toMatchObject({
        number: 'CN-2031-0001',
        creditFor: { invoiceId: invoice.id, number: 'INV-2031-0001' },
        refundId: refunded.body.stripe.refundId,
        seller: invoice.seller,
        buyer: invoice.buyer,
        subtotal: 4_000,
        taxAmount: 800,
        total: 4_800,
        paidAt: null,
      });
      const withNote = await api().get(`/api/v1/workspaces/${workspaceId}/invoices/${invoice.id}`).set(bearer(owner.token));
      expect(withNote.body.creditNotes).toEqual([{ id: note.id, number: 'CN-2031-0001', total: 4_800, issuedAt: note.issuedAt }]);

      await stored(note.id);
      const text = plain(await pdfText(await downloadPdf(note.id, client)));
      for (const expected of [
        'Credit note CN-2031-0001',
        'Credit for invoice INV-2031-0001',
        'Zoë Łukasiewicz Design',
        'Ærø Cykler ApS',
        '€48.00',
        '€40.00',
        '€8.00',
      ]) {
        expect(text).toContain(expected);
      }
      // The invoice itself is untouched, and it is still numbered 0001: the credit note took its own series.
      expect((await invoices(client)).filter((i) => i.kind === 'invoice').map((i) => i.number)).toEqual(['INV-2031-0001']);
    });

    it('is nobody else’s: another tenant gets 404 on every route, and its own profile stays its own', async () => {
      const other = await engagement('Other Freelancer');
      const path = `/api/v1/workspaces/${workspaceId}/invoices`;
      for (const who of [other.owner, other.client]) {
        for (const route of [path, `${path}/${invoice.id}`, `${path}/${invoice.id}/pdf`]) {
          const res = await api().get(route).set(bearer(who.token));
          expect(res.status).toBe(404);
          expect(res.body.error).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
        }
        expect(
          (await api().put(`/api/v1/workspaces/${workspaceId}/invoice-buyer`).set(bearer(who.token)).send({ name: 'Intruder' })).status,
        ).toBe(404);
      }
      // The invoice named under the other tenant's own workspace: not found there either.
      const foreign = `/api/v1/workspaces/${other.workspaceId}/invoices`;
      expect((await api().get(`${foreign}/${invoice.id}`).set(bearer(other.owner.token))).status).toBe(404);
      expect((await api().get(`${foreign}/${invoice.id}/pdf`).set(bearer(other.owner.token))).status).toBe(404);
      expect(await invoices(other.owner, other.workspaceId)).toEqual([]);
      // Their own profile is their own.
      expect((await api().get('/api/v1/billing/invoice-profile').set(bearer(other.owner.token))).body.businessName).toBeNull();
      // Malformed ids are 404 too, never 500.
      expect((await api().get(`${path}/not-a-uuid`).set(bearer(client.token))).status).toBe(404);
      expect((await api().get(`${path}/${randomUUID()}/pdf`).set(bearer(client.token))).status).toBe(404);
      // And without a token, nothing.
      expect((await api().get(path)).status).toBe(401);
    });
  });

  it('shows zero-decimal currencies as whole units (JPY) on the next number', async () => {
    const ws = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const yenClient = await inviteAndJoin(platform.gatewayUrl, owner, ws, 'client_admin');
    await api().put(`/api/v1/workspaces/${ws}/invoice-buyer`).set(bearer(yenClient.token)).send({ name: '株式会社 Tanaka' });
    const { id } = await fundMilestone({ owner, client: yenClient, workspaceId: ws }, 5_000, 'JPY', 'Localisation');
    const invoice = await invoiceOf(id, yenClient, ws);
    // Numbering is per account, across its workspaces.
    expect(invoice).toMatchObject({ number: 'INV-2031-0002', currency: 'JPY', total: 5_000, taxAmount: 833, subtotal: 4_167 });
    await stored(invoice.id, yenClient, ws);
    const text = plain(await pdfText(await downloadPdf(invoice.id, yenClient, ws)));
    expect(text).toContain('JP¥5,000');
    expect(text).toContain('JP¥833');
    expect(text).toContain('Tanaka');
    expect(text).not.toContain('JP¥50.00');
  });

  it('invoices a pay-now payment too, with the application fee Stripe kept as the platform fee, and credits its refund', async () => {
    const base = `/api/v1/workspaces/${workspaceId}/milestones`;
    const created = await api()
      .post(base)
      .set(bearer(owner.token))
      .send({ title: 'Paid on approval', amount: 6_000, currency: 'EUR', billing: 'on_approval' });
    const id = created.body.id as string;
    await api().post(`${base}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base}/${id}/accept`).set(bearer(client.token)).send({});
    await api().post(`${base}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
    expect((await api().post(`${base}/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
    expect((await api().post(`${base}/${id}/pay`).set(bearer(client.token)).send({})).status).toBe(200);
    const payment = (): Promise<PaymentView> =>
      rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctxOf(owner, workspaceId));
    await platform.stripe!.emulator.control.completeCheckout((await payment()).stripe.checkoutSessionId as string, { outcome: 'success' });
    const invoice = await invoiceOf(id, owner);
    const paid = await payment();
    expect(paid.money.status).toBe('released');
    expect(invoice).toMatchObject({ number: 'INV-2031-0003', total: 6_000, taxAmount: 1_000, platformFee: paid.money.platformFee });
    expect(paid.money.platformFee).toBeGreaterThan(0);

    const refunded = await api().post(`${base}/${id}/refunds`).set(bearer(owner.token)).send({});
    expect(refunded.status).toBe(201);
    const note = await eventually('credit note', async () =>
      (await invoices(client)).find((i) => i.kind === 'credit_note' && i.creditFor?.invoiceId === invoice.id),
    );
    expect(note).toMatchObject({ number: 'CN-2031-0002', total: 6_000, creditFor: { number: 'INV-2031-0003' } });
  });

  describe('numbering under load', () => {
    let e: { owner: SignedUpUser; client: SignedUpUser; workspaceId: string };
    const numbersOf = async (accountId: string) =>
      (
        (await billingDb.query(`select number from invoices where account_id = $1 and kind = 'invoice' order by sequence`, [
          accountId,
        ])) as Array<{
          number: string;
        }>
      ).map((r) => r.number);

    beforeAll(async () => {
      e = await engagement('Busy Freelancer');
      await api()
        .patch('/api/v1/billing/invoice-profile')
        .set(bearer(e.owner.token))
        .send({ businessName: 'Busy Ltd', invoiceNumberPattern: 'B/{YYYY}/{000}' });
    });

    it('stays gap-free and unique with 50 payments finalised at once on two replicas, webhooks duplicated, some rolled back', async () => {
      const emulator = platform.stripe!.emulator;
      // Every delivery twice, concurrently: the ledger's dedupe and the invoice's unique key both have to hold.
      await emulator.control.addWebhookFault(platform.stripe!.webhookEndpoints.platform, {
        mode: 'duplicate',
        copies: 2,
        concurrent: true,
      });
      try {
        const count = 50;
        const base = `/api/v1/workspaces/${e.workspaceId}/milestones`;
        // Prepare 50 checkouts, then pay them all at once.
        const sessions: string[] = [];
        const ids: string[] = [];
        for (let batch = 0; batch < count; batch += 10) {
          await Promise.all(
            Array.from({ length: 10 }, async (_, i) => {
              const created = await api()
                .post(base)
                .set(bearer(e.owner.token))
                .send({ title: `Task ${batch + i}`, amount: 1_000 + batch + i, currency: 'EUR' });
              const id = created.body.id as string;
              await api().post(`${base}/${id}/propose`).set(bearer(e.owner.token)).send({});
              await api().post(`${base}/${id}/accept`).set(bearer(e.client.token)).send({});
              await rpc.call(BillingPaymentsRpc.fund, { workspaceId: e.workspaceId, milestoneId: id }, ctxOf(e.client, e.workspaceId));
              const payment = await rpc.call(
                BillingPaymentsRpc.get,
                { workspaceId: e.workspaceId, milestoneId: id },
                ctxOf(e.owner, e.workspaceId),
              );
              sessions.push(payment.stripe.checkoutSessionId as string);
              ids.push(id);
            }),
          );
        }
        // Every fifth payment's first processing rolls back after numbering its invoice.
        sessions.filter((_, i) => i % 5 === 0).forEach((s) => failOnce.sessions.add(s));
        await Promise.all(sessions.map((s) => emulator.control.completeCheckout(s, { outcome: 'success' })));
        await eventually(
          '50 invoices',
          async () => {
            // Retries of the rolled-back ones come due on billing's clock.
            clock.advance(1000);
            return (await numbersOf(e.owner.accountId)).length >= count ? true : null;
          },
          { timeoutMs: 120_000 },
        );
        expect(failOnce.failed).toBe(count / 5);
        // Every webhook processed (both replicas took part), and still one invoice per payment.
        await eventually('webhooks processed', async () => {
          const [row] = await billingDb.query(
            `select count(*)::int as open from stripe_webhook_events where status <> 'processed' and status <> 'ignored'`,
          );
          return row.open === 0 ? true : null;
        });
        const numbers = await numbersOf(e.owner.accountId);
        expect(numbers).toEqual(Array.from({ length: count }, (_, i) => `B/2031/${String(i + 1).padStart(3, '0')}`));
        const perOrder = await billingDb.query(
          `select count(*)::int as n, count(distinct order_id)::int as orders, count(distinct milestone_id)::int as milestones from invoices where account_id = $1`,
          [e.owner.accountId],
        );
        expect(perOrder[0]).toEqual({ n: count, orders: count, milestones: count });
        const listed = await invoices(e.client, e.workspaceId);
        expect(new Set(listed.map((i) => i.milestoneId))).toEqual(new Set(ids));
      } finally {
        await emulator.control.clearWebhookFaults(platform.stripe!.webhookEndpoints.platform);
      }
    });

    it('starts again at 1 when the year changes, because the pattern has the year', async () => {
      clock.set('2031-12-31T23:59:00Z');
      const last = await fundMilestone(e, 2_000, 'EUR', 'Year-end work');
      expect((await invoiceOf(last.id, e.client, e.workspaceId)).number).toBe('B/2031/051');
      clock.set('2032-01-01T00:00:30Z');
      const first = await fundMilestone(e, 2_000, 'EUR', 'New year work');
      expect((await invoiceOf(first.id, e.client, e.workspaceId)).number).toBe('B/2032/001');
      expect((await invoiceOf(first.id, e.client, e.workspaceId)).issuedAt).toBe('2032-01-01T00:00:30.000Z');
      // A pattern without the year never resets: the other account's series went on from 0002.
      await api().patch('/api/v1/billing/invoice-profile').set(bearer(owner.token)).send({ invoiceNumberPattern: 'Z-{0000}' });
      const noYear = await fundMilestone({ owner, client, workspaceId }, 3_000, 'EUR', 'No-year work');
      expect((await invoiceOf(noYear.id)).number).toBe('Z-0001');
      clock.set('2033-02-01T00:00:00Z');
      const later = await fundMilestone({ owner, client, workspaceId }, 3_000, 'EUR', 'Later work');
      expect((await invoiceOf(later.id)).number).toBe('Z-0002');
    });
  });
});
