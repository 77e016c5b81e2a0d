import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { platformFee } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { EarningsHoursRecorder } from '../earnings/earnings-hours-recorder';
import { EarningsRecorder } from '../earnings/earnings-recorder';
import { InvoicesRepository } from '../invoices/invoices.repository';
import { ConnectedAccounts } from '../payments/connected-accounts';
import { LedgerRepository } from '../payments/ledger.repository';
import { statusOf } from '../payments/order';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { HourlyBillingEvents } from './hourly-billing-events';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { WeekCharge } from './week-charge';
import { WeekChargesRepository } from './week-charges.repository';
import { WeekPaymentMoney, WeekPayments } from './week-payments';

export const WEEK_CHARGE_OPTIONS = Symbol('WEEK_CHARGE_OPTIONS');

export interface WeekChargeOptions {
  /** Poll interval; 0 disables the loop (approvals and saved payment methods still wake it). */
  pollIntervalMs: number;
  /** Delay before each retry after a declined attempt: its length is the number of retries. */
  retryDelaysSeconds: number[];
  /** Delay before trying again when Stripe could not be reached (not a decline: the attempt is repeated as is). */
  unreachableRetrySeconds: number;
}

export interface WeekChargeRound {
  paid: number;
  failed: number;
  deferred: number;
}

type Outcome = 'paid' | 'failed' | 'deferred';

/**
 * Charges due hourly weeks off-session. Every replica runs it; each charge is claimed FOR
 * UPDATE SKIP LOCKED in its own transaction and stays locked until its outcome commits, so
 * an attempt is made by one replica at a time. An attempt interrupted before its outcome
 * commits (a crash, a timeout) is repeated with the same Stripe idempotency key and gets the
 * first answer back; the charge's earlier PaymentIntents are looked up first, so a payment
 * that succeeded is recorded, never made again. A decline counts an attempt, publishes
 * billing.time_week.payment_failed and schedules the next (retryDelaysSeconds; none left:
 * willRetryAt null); a new saved payment method makes the week due at once.
 */
@Injectable()
export class WeekChargeWorker extends ScheduledJob<WeekChargeRound> {
  private readonly logger = new Logger(WeekChargeWorker.name);
  private pendingWake = false;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly charges: WeekChargesRepository,
    private readonly contracts: HourlyContractsRepository,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly ledger: LedgerRepository,
    private readonly invoices: InvoicesRepository,
    private readonly connected: ConnectedAccounts,
    private readonly accounts: BillingAccountsRepository,
    private readonly payments: WeekPayments,
    private readonly events: HourlyBillingEvents,
    private readonly earnings: EarningsRecorder,
    private readonly hours: EarningsHoursRecorder,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WEEK_CHARGE_OPTIONS) private readonly options: WeekChargeOptions,
  ) {
    super(WeekChargeWorker.name, options.pollIntervalMs);
  }

  /** Starts a round shortly (after the caller's transaction has had time to commit). */
  wakeSoon(): void {
    if (this.pendingWake) return;
    this.pendingWake = true;
    setTimeout(() => {
      this.pendingWake = false;
      this.runOnce().catch((error: Error) => this.logger.error(`week charge round failed: ${error.message}`));
    }, 50).unref();
  }

  protected async round(): Promise<WeekChargeRound> {
    const total: WeekChargeRound = { paid: 0, failed: 0, deferred: 0 };
    for (;;) {
      const outcome = await systemTransaction(this.system, async (manager) => {
        const [due] = await this.charges.claimDue(manager, this.clock.now(), 1);
        return due ? this.attempt(manager, due) : null;
      });
      if (!outcome) return total;
      total[outcome] += 1;
    }
  }

  private async attempt(manager: SystemManager, week: WeekCharge): Promise<Outcome> {
    const contract = await this.contracts.lockById(manager, week.contractId);
    if (!contract?.paymentMethodId || !contract.stripeCustomerId) return this.fail(manager, week, 'payment_method_missing');
    const payout = await this.connected.find(manager, week.accountId);
    if (!payout?.chargesEnabled || !payout.payoutsEnabled) return this.fail(manager, week, 'payouts_not_enabled');
    const attempt = week.attempts + 1;
    let paymentIntent: Stripe.PaymentIntent;
    try {
      const earlier = await this.payments.attemptsOf(week, contract.stripeCustomerId);
      const succeeded = earlier.find((pi) => pi.status === 'succeeded');
      if (succeeded) {
        paymentIntent = succeeded;
      } else {
        const fee = platformFee(week.amount, await this.accounts.planOf(manager, week.accountId));
        paymentIntent = await this.payments.charge(week, attempt, contract, payout.stripeAccountId, fee);
      }
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const intent = (error.raw as { payment_intent?: { id?: string } }).payment_intent;
        return this.fail(manager, week, error.code ?? 'card_declined', intent?.id ?? null);
      }
      if (error instanceof Stripe.errors.StripeIdempotencyError) {
        // This attempt was sent before with other parameters (a card saved since): its outcome is the one Stripe kept.
        return this.fail(manager, week, 'payment_method_changed');
      }
      return this.defer(manager, week, error as Error);
    }
    if (paymentIntent.status !== 'succeeded') return this.fail(manager, week, paymentIntent.status, paymentIntent.id);
    return this.paid(manager, week, await this.payments.moneyOf(paymentIntent));
  }

  private async paid(manager: SystemManager, week: WeekCharge, money: WeekPaymentMoney): Promise<Outcome> {
    const order = await this.orders.lockById(manager, week.orderId as string);
    if (!order) throw new Error(`week charge ${week.id} has no order`);
    const fee = money.applicationFee?.amount ?? 0;
    const now = this.clock.now();
    order.charged = week.amount;
    order.released = week.amount;
    order.platformFee = fee;
    order.paymentIntentId = money.paymentIntent.id;
    order.chargeId = money.charge.id;
    order.transferId = money.transfer.id;
    order.applicationFeeId = money.applicationFee?.id ?? null;
    const destination = money.transfer.destination;
    order.connectedAccountId = typeof destination === 'string' ? destination : (destination?.id ?? null);
    order.releasedAt = now;
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    // The earnings report counts the week like any payment (gross, the platform's fee, what the freelancer nets).
    await this.earnings.record(manager, order);
    // ... and its hours by member, task and week (the same money, split by seconds).
    await this.hours.recordPaidWeek(manager, week, fee);
    await this.ledger.append(manager, order, { kind: 'charge', amount: week.amount, stripeObjectId: money.charge.id, stripeEventId: null });
    if (money.stripeFee)
      await this.ledger.append(manager, order, {
        kind: 'stripe_fee',
        amount: money.stripeFee.amount,
        stripeObjectId: money.stripeFee.id,
        stripeEventId: null,
      });
    // What the freelancer keeps: Stripe's destination transfer net of the application fee (as for pay-now).
    await this.ledger.append(manager, order, {
      kind: 'transfer',
      amount: money.transfer.amount - fee,
      stripeObjectId: money.transfer.id,
      stripeEventId: null,
    });
    if (money.applicationFee && fee > 0)
      await this.ledger.append(manager, order, {
        kind: 'platform_fee',
        amount: fee,
        stripeObjectId: money.applicationFee.id,
        stripeEventId: null,
      });
    week.status = 'paid';
    week.attempts += 1;
    week.paidAt = now;
    week.nextAttemptAt = null;
    week.paymentIntentId = money.paymentIntent.id;
    await this.charges.save(manager, week);
    if (week.invoiceId) await this.invoices.markPaid(manager, week.invoiceId, now);
    await this.events.weekPaid(manager, week, { platformFee: fee, transferred: money.transfer.amount - fee });
    return 'paid';
  }

  private async fail(manager: SystemManager, week: WeekCharge, code: string, paymentIntentId: string | null = null): Promise<Outcome> {
    week.attempts += 1;
    week.lastDeclineCode = code;
    week.paymentIntentId = paymentIntentId ?? week.paymentIntentId;
    const delay = this.options.retryDelaysSeconds[week.attempts - 1];
    week.nextAttemptAt = delay === undefined ? null : new Date(this.clock.now().getTime() + delay * 1000);
    await this.charges.save(manager, week);
    await this.events.weekPaymentFailed(manager, week);
    this.logger.warn(`week charge ${week.id} attempt ${week.attempts} failed: ${code}`);
    return 'failed';
  }

  /** Stripe unreachable or erring: not a decline, so the same attempt (same idempotency key) is repeated later. */
  private async defer(manager: SystemManager, week: WeekCharge, error: Error): Promise<Outcome> {
    week.nextAttemptAt = new Date(this.clock.now().getTime() + this.options.unreachableRetrySeconds * 1000);
    await this.charges.save(manager, week);
    this.logger.warn(`week charge ${week.id} deferred: ${error.message}`);
    return 'deferred';
  }
}
