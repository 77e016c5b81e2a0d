import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope, timesheetEventDataSchemas, TimesheetEvents, WeekPaidData, WeekPaymentFailedData } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { PermanentEventError } from '@fpms/messaging/events/event-consumer';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { TimeWeeksRepository } from './time-weeks.repository';

type BillingWeekEvent =
  typeof TimesheetEvents.paymentMethodSaved | typeof TimesheetEvents.weekPaid | typeof TimesheetEvents.weekPaymentFailed;

export const BILLING_WEEK_EVENTS: readonly string[] = [
  TimesheetEvents.paymentMethodSaved,
  TimesheetEvents.weekPaid,
  TimesheetEvents.weekPaymentFailed,
];

/**
 * Billing's facts about hourly contracts, in the consumer's transaction (the inbox row is
 * written: a duplicate never gets here). Arrival order does not matter: a batch's `paid` is
 * final, so a `payment_failed` of the same batch arriving after it changes nothing, and a
 * later attempt's failure replaces an earlier one's, never the reverse.
 */
@Injectable()
export class TimeWeekBillingSubscriber {
  private readonly logger = new Logger(TimeWeekBillingSubscriber.name);

  constructor(
    private readonly contracts: HourlyContractsRepository,
    private readonly weeks: TimeWeeksRepository,
  ) {}

  async handle(envelope: EventEnvelope, manager: TenantManager): Promise<void> {
    const type = envelope.type as BillingWeekEvent;
    const parsed = timesheetEventDataSchemas[type].safeParse(envelope.data);
    if (!parsed.success) throw new PermanentEventError(`invalid ${type}: ${parsed.error.message}`);
    if (type === TimesheetEvents.paymentMethodSaved) {
      const data = parsed.data as { contractId: string; brand: string | null; last4: string | null };
      const contract = await this.contracts.find(manager, data.contractId, true);
      if (!contract) throw new PermanentEventError(`${type} for unknown contract ${data.contractId}`);
      // The newest saved method wins (by when billing saw it saved).
      await this.contracts.savePaymentMethod(manager, contract.id, { ...data, savedAt: new Date(envelope.occurredAt) });
      return;
    }
    const data = parsed.data as WeekPaidData | WeekPaymentFailedData;
    const batch = await this.weeks.findBatch(manager, data.contractId, data.weekStart, data.batch, true);
    if (!batch) throw new PermanentEventError(`${type} for unknown batch ${data.batch} of week ${data.weekStart} of ${data.contractId}`);
    if (batch.payment === 'paid') {
      this.logger.log(`${type} for paid batch ${data.batch} of week ${data.weekStart} (contract ${data.contractId}) ignored`);
      return;
    }
    if (type === TimesheetEvents.weekPaid) {
      const paid = data as WeekPaidData;
      await this.weeks.markPaid(manager, batch.week_id, batch.batch, { invoiceId: paid.invoiceId, paidAt: new Date(paid.paidAt) });
      return;
    }
    const failed = data as WeekPaymentFailedData;
    if (batch.payment_attempt !== null && batch.payment_attempt >= failed.attempt) return;
    await this.weeks.markFailed(manager, batch.week_id, batch.batch, {
      invoiceId: failed.invoiceId,
      attempt: failed.attempt,
      declineCode: failed.declineCode,
      willRetryAt: failed.willRetryAt ? new Date(failed.willRetryAt) : null,
    });
  }
}
