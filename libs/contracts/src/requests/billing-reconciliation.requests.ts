import { FIELD_LIMITS } from './field-limits';
import { Text } from './field-decorators';

/** `POST /api/v1/admin/billing/reconciliations` as the RPC carries it: the reason the platform admin gave (audited). */
export class AdminStartReconciliationRequest {
  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}
