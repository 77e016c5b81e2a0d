import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEnvelope, HourlyContractEventData, InvoiceLine, WeekApprovedData } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { InvoiceIssuer } from '../invoices/invoice-issuer';
import { formatMoney } from '../invoices/money-format';
import { OrdersRepository } from '../payments/orders.repository';
import { chargeableAmountProblem } from '../stripe/currency-rules';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { hoursLabel, memberShares, weekAmountMinor } from './week-amount';
import { WeekChargesRepository } from './week-charges.repository';

/**
 * What billing takes from the workspace's hourly contracts, in the inbox transaction: the
 * contract's terms (`workspace.hourly_contract.*`) and each approved batch of a week
 * (`workspace.time_week.approved`). An approved batch becomes, exactly once per (contract,
 * week, batch): a week charge due now, its order (kind `hourly_week`) and its invoice. The
 * charge itself is the WeekChargeWorker's, after commit: a Stripe call has no place in an
 * inbox transaction a redelivery could run twice.
 */
@Injectable()
export class HourlyWorkspaceEvents {
  private readonly logger = new Logger(HourlyWorkspaceEvents.name);

  constructor(
    private readonly contracts: HourlyContractsRepository,
    private readonly charges: WeekChargesRepository,
    private readonly orders: OrdersRepository,
    private readonly invoicing: InvoiceIssuer,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async contractChanged(manager: TenantManager, event: EventEnvelope<HourlyContractEventData>): Promise<void> {
    await this.contracts.project(manager, event.data, event.aggregateVersion);
  }

  /** Answers whether a new charge is due (the worker should be woken once this commits). */
  async weekApproved(manager: TenantManager, event: EventEnvelope<WeekApprovedData>): Promise<boolean> {
    const d = event.data;
    const entrySeconds = d.entries.reduce((sum, e) => sum + e.seconds, 0);
    if (entrySeconds !== d.billableSeconds)
      throw new Error(
        `approved week ${d.contractId}/${d.weekStart}/${d.batch}: entries add up to ${entrySeconds} s, not ${d.billableSeconds}`,
      );
    // The approval may overtake the contract's activation: its terms are in the approval, so project them (version 0 yields to any real event).
    await this.contracts.project(manager, { ...d, status: 'active', weeklyCapHours: null, actorUserId: d.actorUserId ?? d.accountId }, 0);
    const amount = weekAmountMinor(d.billableSeconds, d.rateMinor);
    const problem = amount === 0 ? 'nothing billable' : chargeableAmountProblem(amount, d.currency);
    const charge = await this.charges.insertOnce(
      manager,
      {
        id: randomUUID(),
        accountId: d.accountId,
        workspaceId: d.workspaceId,
        contractId: d.contractId,
        weekStart: d.weekStart,
        batch: d.batch,
        timeZone: d.timeZone,
        rateMinor: d.rateMinor,
        currency: d.currency,
        billableSeconds: d.billableSeconds,
        amount,
        entries: d.entries,
        status: problem ? 'not_charged' : 'due',
        orderId: null,
        invoiceId: null,
        invoiceNumber: null,
        nextAttemptAt: problem ? null : this.clock.now(),
      },
      event.id,
    );
    // Seen before (a redelivery, the same batch approved twice): charged once, by the first.
    if (!charge) return false;
    if (problem) {
      this.logger.warn(`week ${d.weekStart} batch ${d.batch} of contract ${d.contractId} is not charged: ${problem}`);
      return false;
    }
    const order = await this.orders.lockOrCreate(manager, {
      id: randomUUID(),
      accountId: d.accountId,
      workspaceId: d.workspaceId,
      milestoneId: charge.id,
      amount,
      currency: d.currency,
      kind: 'hourly_week',
    });
    // The paying client, as the earnings report groups money: the client admin who approved (none when the review lapsed).
    if (d.actorUserId) await this.orders.recordPayer(manager, order.id, d.actorUserId);
    const lines: InvoiceLine[] = memberShares(d.entries, d.rateMinor, amount).map((m) => ({
      description: `Hours, week of ${d.weekStart}${d.batch > 0 ? ` (batch ${d.batch})` : ''}: member ${m.userId.slice(0, 8)}, ${hoursLabel(m.seconds)} at ${formatMoney(d.rateMinor, d.currency)}/h (${m.entries} ${m.entries === 1 ? 'entry' : 'entries'})`,
      quantity: 1,
      unitAmount: m.amount,
      amount: m.amount,
    }));
    const invoice = await this.invoicing.issueWeekInvoice(manager, order, { weekStart: d.weekStart, batch: d.batch, lines });
    await this.charges.attachDocuments(manager, charge.id, order.id, invoice);
    return true;
  }
}
