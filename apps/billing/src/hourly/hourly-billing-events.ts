import { Inject, Injectable } from '@nestjs/common';
import { PaymentMethodSavedData, TimesheetEvents, WeekPaidData, WeekPaymentFailedData } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import type { HourlyContract } from './hourly-contract';
import type { WeekCharge } from './week-charge';

/**
 * billing.hourly_contract.* and billing.time_week.* through the outbox, in the caller's
 * transaction. aggregateId is the contract; aggregateVersion counts billing's events about it
 * (the caller holds the contract's row lock, so versions are gapless and ordered).
 */
@Injectable()
export class HourlyBillingEvents {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly contracts: HourlyContractsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async envelope(manager: SystemManager | TenantManager, contract: { id: string; accountId: string; workspaceId: string }) {
    return {
      tenant: { accountId: contract.accountId, workspaceId: contract.workspaceId },
      aggregateId: contract.id,
      aggregateVersion: await this.contracts.nextEventVersion(manager, contract.id),
      occurredAt: this.clock.now().toISOString(),
    };
  }

  async paymentMethodSaved(manager: SystemManager | TenantManager, contract: HourlyContract, savedByUserId: string): Promise<void> {
    const data: PaymentMethodSavedData = {
      contractId: contract.id,
      workspaceId: contract.workspaceId,
      accountId: contract.accountId,
      brand: contract.paymentMethodBrand,
      last4: contract.paymentMethodLast4,
      savedByUserId,
    };
    await this.outbox.add(manager, { type: TimesheetEvents.paymentMethodSaved, ...(await this.envelope(manager, contract)), data });
  }

  async weekPaid(manager: SystemManager, charge: WeekCharge, money: { platformFee: number; transferred: number }): Promise<void> {
    const data: WeekPaidData = {
      ...this.chargeRef(charge),
      platformFeeMinor: money.platformFee,
      transferredMinor: money.transferred,
      paidAt: (charge.paidAt ?? this.clock.now()).toISOString(),
    };
    await this.outbox.add(manager, { type: TimesheetEvents.weekPaid, ...(await this.envelope(manager, this.contractOf(charge))), data });
  }

  async weekPaymentFailed(manager: SystemManager, charge: WeekCharge): Promise<void> {
    const data: WeekPaymentFailedData = {
      ...this.chargeRef(charge),
      attempt: charge.attempts,
      declineCode: (charge.lastDeclineCode ?? 'card_declined').slice(0, 64),
      willRetryAt: charge.nextAttemptAt?.toISOString() ?? null,
    };
    await this.outbox.add(manager, {
      type: TimesheetEvents.weekPaymentFailed,
      ...(await this.envelope(manager, this.contractOf(charge))),
      data,
    });
  }

  private contractOf(charge: WeekCharge) {
    return { id: charge.contractId, accountId: charge.accountId, workspaceId: charge.workspaceId };
  }

  private chargeRef(charge: WeekCharge) {
    if (!charge.invoiceId || !charge.invoiceNumber) throw new Error(`week charge ${charge.id} has no invoice`);
    return {
      contractId: charge.contractId,
      workspaceId: charge.workspaceId,
      accountId: charge.accountId,
      weekStart: charge.weekStart,
      timeZone: charge.timeZone,
      batch: charge.batch,
      invoiceId: charge.invoiceId,
      invoiceNumber: charge.invoiceNumber,
      amountMinor: charge.amount,
      currency: charge.currency,
    };
  }
}
