import { Provider, Type } from '@nestjs/common';
import type { BillingEnv } from '../config';
import { AdminReconciliationsController } from './admin-reconciliations.controller';
import { AdminReconciliations } from './admin-reconciliations.service';
import { ChargebackReconciler } from './chargeback.reconciler';
import { CheckoutReconciler } from './checkout.reconciler';
import { MissingStripeEvents } from './missing-stripe-events';
import { ORDER_RECONCILERS, OrderReconciler } from './order-reconciler';
import { ReconciliationLock } from './reconciliation-lock';
import { CrossTenantReconciliationEventsRepository, CrossTenantReconciliationOrdersRepository } from './reconciliation-orders.repository';
import { CrossTenantReconciliationRunsRepository } from './reconciliation-runs.repository';
import { RECONCILIATION_JOB_INTERVAL, ReconciliationJob } from './reconciliation.job';
import { RECONCILIATION_OPTIONS, Reconciliation, ReconciliationOptions } from './reconciliation.service';
import { PayNowReconciler } from './pay-now.reconciler';
import { RefundReconciler } from './refund.reconciler';
import { ReleaseReconciler } from './release.reconciler';

/** Each object kind's reconciler, in the order a run checks them (funding first: the others need the charge). */
const orderReconcilers: Array<Type<OrderReconciler>> = [
  CheckoutReconciler,
  ReleaseReconciler,
  PayNowReconciler,
  RefundReconciler,
  ChargebackReconciler,
];

export const reconciliationControllers: Type[] = [AdminReconciliationsController];

export function reconciliationProviders(env: BillingEnv): Provider[] {
  return [
    { provide: RECONCILIATION_OPTIONS, useValue: { lookbackSeconds: env.RECONCILE_LOOKBACK_SECONDS } satisfies ReconciliationOptions },
    { provide: RECONCILIATION_JOB_INTERVAL, useValue: env.RECONCILE_INTERVAL_MS },
    ...orderReconcilers,
    { provide: ORDER_RECONCILERS, inject: orderReconcilers, useFactory: (...reconcilers: unknown[]) => reconcilers },
    CrossTenantReconciliationOrdersRepository,
    CrossTenantReconciliationEventsRepository,
    CrossTenantReconciliationRunsRepository,
    ReconciliationLock,
    MissingStripeEvents,
    Reconciliation,
    ReconciliationJob,
    AdminReconciliations,
  ];
}
