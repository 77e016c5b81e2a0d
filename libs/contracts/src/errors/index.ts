/**
 * Error codes, one enum per feature: the services that raise them and the gateway that
 * answers with them use these, never string literals. `AppError<C>` (libs/common) is typed
 * by its feature's enum.
 */
export * from './auth.errors';
export * from './sessions.errors';
export * from './access.errors';
export * from './accounts.errors';
export * from './members.errors';
export * from './invitations.errors';
export * from './milestones.errors';
export * from './tasks.errors';
export * from './files.errors';
export * from './idempotency.errors';
export * from './billing-connect.errors';
export * from './billing-webhooks.errors';
export * from './common.errors';
export * from './payments.errors';
export * from './chargebacks.errors';
export * from './subscriptions.errors';
export * from './threads.errors';
export * from './disputes.errors';
export * from './notifications.errors';
export * from './plans.errors';
export * from './approvals.errors';
export * from './invoices.errors';
export * from './billing-earnings.errors';
export * from './billing-payouts.errors';
export * from './account-security.errors';
export * from './erasure.errors';
export * from './data-export.errors';
export * from './time-tracking.errors';
export * from './hourly-billing.errors';

import type { AuthErrorCode } from './auth.errors';
import type { SessionErrorCode } from './sessions.errors';
import type { AccessErrorCode } from './access.errors';
import type { AccountErrorCode } from './accounts.errors';
import type { MemberErrorCode } from './members.errors';
import type { InvitationErrorCode } from './invitations.errors';
import type { MilestoneErrorCode } from './milestones.errors';
import type { TaskErrorCode } from './tasks.errors';
import type { FilesErrorCode } from './files.errors';
import type { IdempotencyErrorCode } from './idempotency.errors';
import type { ConnectErrorCode } from './billing-connect.errors';
import type { WebhookErrorCode } from './billing-webhooks.errors';
import type { CommonErrorCode } from './common.errors';
import type { PaymentErrorCode } from './payments.errors';
import type { ChargebackErrorCode } from './chargebacks.errors';
import type { SubscriptionErrorCode } from './subscriptions.errors';
import type { ThreadErrorCode } from './threads.errors';
import type { DisputeErrorCode } from './disputes.errors';
import type { NotificationErrorCode } from './notifications.errors';
import type { PlanErrorCode } from './plans.errors';
import type { ApprovalErrorCode } from './approvals.errors';
import type { InvoiceErrorCode } from './invoices.errors';
import type { EarningsErrorCode } from './billing-earnings.errors';
import type { PayoutErrorCode } from './billing-payouts.errors';
import type { AccountSecurityErrorCode } from './account-security.errors';
import type { ErasureErrorCode } from './erasure.errors';
import type { DataExportErrorCode } from './data-export.errors';
import type { TimeTrackingErrorCode } from './time-tracking.errors';
import type { HourlyBillingErrorCode } from './hourly-billing.errors';

/** Every code the platform answers with. */
export type ErrorCode =
  | AuthErrorCode
  | SessionErrorCode
  | AccessErrorCode
  | AccountErrorCode
  | MemberErrorCode
  | InvitationErrorCode
  | MilestoneErrorCode
  | TaskErrorCode
  | FilesErrorCode
  | IdempotencyErrorCode
  | ConnectErrorCode
  | WebhookErrorCode
  | CommonErrorCode
  | PaymentErrorCode
  | ChargebackErrorCode
  | SubscriptionErrorCode
  | ThreadErrorCode
  | DisputeErrorCode
  | NotificationErrorCode
  | PlanErrorCode
  | ApprovalErrorCode
  | InvoiceErrorCode
  | EarningsErrorCode
  | PayoutErrorCode
  | AccountSecurityErrorCode
  | ErasureErrorCode
  | DataExportErrorCode
  | TimeTrackingErrorCode
  | HourlyBillingErrorCode;
