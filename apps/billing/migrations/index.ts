import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { CreateStripeWebhookEvents1734100000000 } from './1734100000000-stripe-webhook-events';
import { CreateConnectAccounts1734200000000 } from './1734200000000-create-connect-accounts';
import { OrdersAndLedger1734300000000 } from './1734300000000-orders-and-ledger';
import { Refunds1734400000000 } from './1734400000000-refunds';
import { Chargebacks1734500000000 } from './1734500000000-chargebacks';
import { ReconciliationRuns1734600000000 } from './1734600000000-reconciliation-runs';
import { PayNowOrders1734800000001 } from './1734800000001-pay-now-orders';
import { ChargebackEvidenceRetries1734900000000 } from './1734900000000-chargeback-evidence-retries';
import { Subscriptions1735000000000 } from './1735000000000-subscriptions';
import { DisputeSettlements1734700100000 } from './1734700100000-dispute-settlements';
import { DeliverableFileNames1735500000000 } from './1735500000000-deliverable-file-names';
import { Invoices1736000000000 } from './1736000000000-invoices';
import { EarningsReadModel1736100000000 } from './1736100000000-earnings-read-model';
import { Payouts1736100100000 } from './1736100100000-payouts';
import { HourlyBilling1736200000000 } from './1736200000000-hourly-billing';
import { EarningsHours1736850000000 } from './1736850000000-earnings-hours';

/** The billing service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const billingMigrations = [
  CreateMessagingTables1732300000000,
  CreateStripeWebhookEvents1734100000000,
  CreateConnectAccounts1734200000000,
  OrdersAndLedger1734300000000,
  Refunds1734400000000,
  Chargebacks1734500000000,
  ReconciliationRuns1734600000000,
  PayNowOrders1734800000001,
  ChargebackEvidenceRetries1734900000000,
  Subscriptions1735000000000,
  DisputeSettlements1734700100000,
  DeliverableFileNames1735500000000,
  Invoices1736000000000,
  EarningsReadModel1736100000000,
  Payouts1736100100000,
  HourlyBilling1736200000000,
  EarningsHours1736850000000,
];
