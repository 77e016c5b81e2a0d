import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { platformFee, type InvoiceLine, type InvoiceParty } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { isDestinationCharge, type Order } from '../payments/order';
import { splitTax } from './invoice-amounts';
import { NewInvoice } from './invoice';
import { InvoiceProfile, InvoicesRepository } from './invoices.repository';
import { InvoicePdfWorker } from './invoice-pdf.worker';

/**
 * Finalises invoices and credit notes inside the transaction of the money fact they
 * document (the webhook's for a charge, the refund's own), so the fact and its document
 * commit together or not at all; the unique keys (one invoice per order, one credit note per
 * refund) make a redelivered fact issue nothing twice. Seller and buyer details, the tax
 * rate and the number are taken now and never change afterwards. The PDF follows after the
 * commit (InvoicePdfWorker).
 */
@Injectable()
export class InvoiceIssuer {
  private readonly logger = new Logger(InvoiceIssuer.name);

  constructor(
    private readonly invoices: InvoicesRepository,
    private readonly pdfWorker: InvoicePdfWorker,
    private readonly accounts: BillingAccountsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The invoice of an order that was just charged (escrow funding or a pay-now payment). */
  async issueInvoice(manager: EntityManager, order: Order): Promise<void> {
    if (await this.invoices.findInvoiceOfOrder(manager, order.id)) return;
    const profile = await this.invoices.profile(manager, order.accountId);
    const now = this.clock.now();
    const total = order.charged;
    const description = await this.lineDescription(manager, order);
    await this.finalise(manager, profile, 'invoice', {
      ...(await this.invoiceOf(manager, order, profile, total, [{ description, quantity: 1, unitAmount: total, amount: total }])),
      // What the platform keeps: Stripe's application fee of a pay-now charge; for escrow the plan's fee on the
      // amount, taken at release (less if part is refunded first: the credit note's refund carries no fee).
      platformFee: isDestinationCharge(order)
        ? order.platformFee
        : platformFee(total, await this.accounts.planOf(manager, order.accountId)),
      issuedAt: now,
      paidAt: now,
    });
  }

  /**
   * The invoice of an hourly contract's approved week (one batch), issued when the week is
   * approved — before it is charged, since a declined charge names it too — with one line per
   * member (their hours at the contract's rate). `paidAt` is set when the charge succeeds.
   * The order is the week charge's (one invoice per order, as for milestones).
   */
  async issueWeekInvoice(
    manager: EntityManager,
    order: Order,
    week: { weekStart: string; batch: number; lines: InvoiceLine[] },
  ): Promise<{ id: string; number: string }> {
    const existing = await this.invoices.findInvoiceOfOrder(manager, order.id);
    if (existing) return { id: existing.id, number: existing.number };
    const profile = await this.invoices.profile(manager, order.accountId);
    const total = order.amount;
    return this.finalise(manager, profile, 'invoice', {
      ...(await this.invoiceOf(manager, order, profile, total, week.lines)),
      platformFee: platformFee(total, await this.accounts.planOf(manager, order.accountId)),
      issuedAt: this.clock.now(),
      paidAt: null,
    });
  }

  /** An invoice of the order for `total` (tax included, split at the profile's rate): what every invoice has in common. */
  private async invoiceOf(
    manager: EntityManager,
    order: Order,
    profile: InvoiceProfile,
    total: number,
    lines: InvoiceLine[],
  ): Promise<Omit<NewInvoice, 'platformFee' | 'issuedAt' | 'paidAt'>> {
    const { subtotal, taxAmount } = splitTax(total, profile.taxRateBasisPoints);
    return {
      id: randomUUID(),
      accountId: order.accountId,
      workspaceId: order.workspaceId,
      orderId: order.id,
      milestoneId: order.milestoneId,
      kind: 'invoice',
      creditFor: null,
      refundKey: null,
      currency: order.currency,
      seller: sellerOf(profile),
      buyer: await this.buyerOf(manager, order),
      lines,
      subtotal,
      taxRateBasisPoints: profile.taxRateBasisPoints,
      taxAmount,
      total,
      taxNote: profile.taxNote,
    };
  }

  /**
   * A credit note for one refund of the order (`refundKey`: the refund's own id, Stripe's for
   * refunds made outside billing), against the order's invoice at that invoice's tax rate.
   * An order paid before invoicing existed has no invoice: no credit note either (logged).
   */
  async issueCreditNote(manager: EntityManager, order: Order, refund: { refundKey: string; amount: number }): Promise<void> {
    if (await this.invoices.findCreditNoteOfRefund(manager, refund.refundKey)) return;
    const invoice = await this.invoices.findInvoiceOfOrder(manager, order.id);
    if (!invoice) {
      this.logger.warn(`refund ${refund.refundKey} of order ${order.id}: the order has no invoice, so no credit note is issued`);
      return;
    }
    const profile = await this.invoices.profile(manager, order.accountId);
    const { subtotal, taxAmount } = splitTax(refund.amount, invoice.taxRateBasisPoints);
    await this.finalise(manager, profile, 'credit_note', {
      id: randomUUID(),
      accountId: order.accountId,
      workspaceId: order.workspaceId,
      orderId: order.id,
      milestoneId: order.milestoneId,
      kind: 'credit_note',
      creditFor: invoice.id,
      refundKey: refund.refundKey,
      currency: order.currency,
      // The parties as the invoice names them: a credit note corrects that invoice.
      seller: invoice.seller,
      buyer: invoice.buyer,
      lines: [
        {
          description: `Refund: ${invoice.lines[0]?.description ?? 'milestone'} (invoice ${invoice.number})`,
          quantity: 1,
          unitAmount: refund.amount,
          amount: refund.amount,
        },
      ],
      subtotal,
      taxRateBasisPoints: invoice.taxRateBasisPoints,
      taxAmount,
      total: refund.amount,
      taxNote: invoice.taxNote,
      platformFee: null,
      issuedAt: this.clock.now(),
      paidAt: null,
    });
  }

  private async finalise(
    manager: EntityManager,
    profile: InvoiceProfile,
    series: 'invoice' | 'credit_note',
    doc: NewInvoice,
  ): Promise<{ id: string; number: string }> {
    const pattern = series === 'invoice' ? profile.invoicePattern : profile.creditNotePattern;
    const numbered = await this.invoices.nextNumber(manager, doc.accountId, series, pattern, doc.issuedAt);
    await this.invoices.insert(manager, { ...doc, series, ...numbered });
    this.pdfWorker.wakeSoon();
    return { id: doc.id, number: numbered.number };
  }

  private async lineDescription(manager: EntityManager, order: Order): Promise<string> {
    const [row]: Array<{ title: string }> = await manager.query(
      `select title from milestone_activity where milestone_id = $1 order by milestone_version desc, occurred_at desc limit 1`,
      [order.milestoneId],
    );
    return row?.title ?? 'Milestone';
  }

  private async buyerOf(manager: EntityManager, order: Order): Promise<InvoiceParty> {
    const buyer = await this.invoices.buyer(manager, order.workspaceId);
    return buyer ? { name: buyer.name, address: buyer.address, taxId: buyer.taxId } : { name: 'Client', address: null, taxId: null };
  }
}

function sellerOf(profile: InvoiceProfile): InvoiceParty {
  return { name: profile.businessName ?? 'Freelancer', address: profile.address, taxId: profile.taxId };
}
