import { FIELD_LIMITS } from './field-limits';
import { EntityId, Optional, QueryInt, Text } from './field-decorators';

/** A platform admin's audited cross-tenant read, with the reason the admin gave. */
export class AdminAccountWorkspacesRequest {
  @EntityId()
  accountId!: string;

  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}

export class AdminAuditQuery {
  @Optional()
  @QueryInt({ min: 1, max: FIELD_LIMITS.adminAuditLimit.max })
  limit: number = FIELD_LIMITS.adminAuditLimit.default;
}
