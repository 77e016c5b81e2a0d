import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { rpcClientProviders } from '@fpms/messaging/nest/rpc-client.lifecycle';
import { PlatformModule } from '@fpms/platform/platform.module';
import { BillingAccountsRepository } from './accounts/billing-accounts.repository';
import { BILLING_ENV } from './billing-env.token';
import { BillingEnv } from './config';
import { ChargebackResponderService } from './chargebacks/chargeback-responder.service';
import { ChargebacksController } from './chargebacks/chargebacks.controller';
import { ChargebackEventsHandler } from './chargebacks/chargeback-events.handler';
import { CHARGEBACK_EVIDENCE_OPTIONS, ChargebackEvidenceOptions, ChargebackEvidenceWorker } from './chargebacks/chargeback-evidence.worker';
import {
  ChargebackSelfResponsesRepository,
  ChargebacksRepository,
  CrossTenantChargebacksRepository,
} from './chargebacks/chargebacks.repository';
import { FileVersionNamesRepository } from './chargebacks/file-version-names.repository';
import { CrossTenantMilestoneActivityRepository, MilestoneActivityRepository } from './chargebacks/milestone-activity.repository';
import { InvoiceDocumentsSubscriber } from './invoices/invoice-documents.subscriber';
import { InvoiceIssuer } from './invoices/invoice-issuer';
import { INVOICE_PDF_OPTIONS, InvoicePdfOptions, InvoicePdfWorker } from './invoices/invoice-pdf.worker';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesRepository } from './invoices/invoices.repository';
import { InvoicesService } from './invoices/invoices.service';
import { CheckoutEventsHandler } from './payments/checkout-events.handler';
import { CheckoutSessions } from './payments/checkout-sessions';
import { FundingService } from './payments/funding.service';
import { PayNowService } from './payments/pay-now.service';
import { LedgerRepository } from './payments/ledger.repository';
import { MilestonePaymentEvents } from './payments/milestone-payment-events';
import { CrossTenantOrdersRepository, OrdersRepository } from './payments/orders.repository';
import { PaymentViewService } from './payments/payment-view.service';
import { PaymentsController } from './payments/payments.controller';
import { WorkspaceEventsSubscriber } from './release/workspace-events.subscriber';
import { DisputeSettlementHandler } from './disputes/dispute-settlement.handler';
import { DisputeSettlementsRepository } from './disputes/dispute-settlements.repository';
import { ReleaseTransfers } from './release/release-transfers';
import { RELEASE_WORKER_OPTIONS, ReleaseWorker, ReleaseWorkerOptions } from './release/release.worker';
import { ConnectAccountEventsHandler } from './connect/connect-account-events.handler';
import { ConnectController } from './connect/connect.controller';
import { CONNECT_PROVIDERS } from './connect/connect.providers';
import { ConnectAccountsRepository } from './connect/connect-accounts.repository';
import { ConnectedAccounts } from './payments/connected-accounts';
import { REFUND_RETRY_BASE_SECONDS, RefundExecutor } from './refunds/refund-executor';
import { RefundsController } from './refunds/refunds.controller';
import { RefundRequestsRepository, RefundsRepository } from './refunds/refunds.repository';
import { RefundsService } from './refunds/refunds.service';
import { REFUNDS_WORKER_OPTIONS, RefundsWorker } from './refunds/refunds.worker';
import { StripeRefundEventsHandler } from './refunds/stripe-refund-events.handler';
import { StripeRefunds } from './refunds/stripe-refunds';
import { reconciliationControllers, reconciliationProviders } from './reconciliation/reconciliation.providers';
import { Metrics } from '@fpms/common/metrics/metrics';
import { createStripeClient, STRIPE } from './stripe/stripe-client';
import { instrumentStripe } from './stripe/stripe.metrics';
import { SubscriptionEventsHandler } from './subscriptions/subscription-events.handler';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { subscriptionProviders } from './subscriptions/subscriptions.providers';
import { STRIPE_EVENT_HANDLERS, StripeEventHandler } from './webhooks/stripe-event-handler';
import { webhookControllers, webhookProviders } from './webhooks/webhooks.providers';
import { EarningsController } from './earnings/earnings.controller';
import { EARNINGS_PROVIDERS } from './earnings/earnings.providers';
import { PayoutEventsHandler } from './payouts/payout-events.handler';
import { PayoutsController } from './payouts/payouts.controller';
import { PAYOUT_PROVIDERS } from './payouts/payouts.providers';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataRepository } from './personal-data/personal-data.repository';
import { HourlyBillingController, hourlyBillingProviders, SetupCheckoutEventsHandler } from './hourly/hourly.providers';

/** The PDF worker's poll for retries and for documents another replica finalised (finalising wakes it at once). */
const INVOICE_PDF_POLL_MS = 5000;

export interface BillingAppOptions {
  clock?: Clock;
  /** Handlers added after the features' own (tests register probes here; production passes none). */
  stripeEventHandlers?: StripeEventHandler[];
}

/**
 * The billing service: Stripe Connect, escrow orders, the webhook ledger and the money
 * ledger. Every Stripe event reaches the features through STRIPE_EVENT_HANDLERS.
 */
@Module({})
export class BillingAppModule {
  static forRoot(env: BillingEnv, keys: KeySet, logger: PinoLogger, options: BillingAppOptions = {}): DynamicModule {
    const eventHandlers: Array<new (...args: never[]) => StripeEventHandler> = [
      ConnectAccountEventsHandler,
      CheckoutEventsHandler,
      ChargebackEventsHandler,
      StripeRefundEventsHandler,
      SubscriptionEventsHandler,
      PayoutEventsHandler,
      SetupCheckoutEventsHandler,
    ];
    const releaseOptions: ReleaseWorkerOptions = {
      pollIntervalMs: env.RELEASE_POLL_MS,
      batchSize: 20,
      retryBaseSeconds: env.RELEASE_RETRY_BASE_SECONDS,
    };
    const evidenceOptions: ChargebackEvidenceOptions = {
      pollIntervalMs: env.CHARGEBACK_EVIDENCE_POLL_MS,
      batchSize: 20,
      retryBaseSeconds: env.RELEASE_RETRY_BASE_SECONDS,
    };
    const invoicePdfOptions: InvoicePdfOptions = {
      pollIntervalMs: INVOICE_PDF_POLL_MS,
      batchSize: 10,
      retryBaseSeconds: env.RELEASE_RETRY_BASE_SECONDS,
    };
    return {
      module: BillingAppModule,
      imports: [PlatformModule.forRoot({ service: 'billing', env, keys, logger, entities: [], clock: options.clock })],
      controllers: [
        ...webhookControllers,
        ConnectController,
        PaymentsController,
        ChargebacksController,
        RefundsController,
        SubscriptionsController,
        InvoicesController,
        PayoutsController,
        EarningsController,
        ...reconciliationControllers,
        PersonalDataController,
        HourlyBillingController,
      ],
      providers: [
        PersonalDataRepository,
        { provide: BILLING_ENV, useValue: env },
        { provide: STRIPE, inject: [Metrics], useFactory: (metrics: Metrics) => instrumentStripe(createStripeClient(env), metrics) },
        ...CONNECT_PROVIDERS,
        { provide: ConnectedAccounts, useExisting: ConnectAccountsRepository },
        ...rpcClientProviders({ amqpUrl: env.AMQP_URL, timeoutMs: env.RPC_TIMEOUT_MS }),
        BillingAccountsRepository,
        OrdersRepository,
        CrossTenantOrdersRepository,
        LedgerRepository,
        MilestonePaymentEvents,
        CheckoutSessions,
        FundingService,
        PayNowService,
        PaymentViewService,
        ReleaseTransfers,
        { provide: RELEASE_WORKER_OPTIONS, useValue: releaseOptions },
        ReleaseWorker,
        CrossTenantChargebacksRepository,
        ChargebacksRepository,
        ChargebackSelfResponsesRepository,
        MilestoneActivityRepository,
        FileVersionNamesRepository,
        CrossTenantMilestoneActivityRepository,
        { provide: CHARGEBACK_EVIDENCE_OPTIONS, useValue: evidenceOptions },
        ChargebackEvidenceWorker,
        ChargebackResponderService,
        RefundsRepository,
        DisputeSettlementsRepository,
        DisputeSettlementHandler,
        RefundRequestsRepository,
        StripeRefunds,
        { provide: REFUND_RETRY_BASE_SECONDS, useValue: env.RELEASE_RETRY_BASE_SECONDS },
        RefundExecutor,
        RefundsService,
        { provide: REFUNDS_WORKER_OPTIONS, useValue: { pollIntervalMs: env.REFUND_POLL_MS, batchSize: 20 } },
        RefundsWorker,
        InvoicesRepository,
        { provide: INVOICE_PDF_OPTIONS, useValue: invoicePdfOptions },
        InvoicePdfWorker,
        InvoiceIssuer,
        InvoicesService,
        InvoiceDocumentsSubscriber,
        ...subscriptionProviders(env),
        ...EARNINGS_PROVIDERS,
        ...PAYOUT_PROVIDERS,
        ...hourlyBillingProviders(env),
        ...eventHandlers,
        {
          provide: STRIPE_EVENT_HANDLERS,
          inject: eventHandlers,
          useFactory: (...handlers: StripeEventHandler[]) => [...handlers, ...(options.stripeEventHandlers ?? [])],
        },
        ...webhookProviders(env),
        ...reconciliationProviders(env),
        ...eventConsumerProviders('billing', env.AMQP_URL, { subscriber: WorkspaceEventsSubscriber }),
      ],
    };
  }
}
