import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, Matches, ValidateNested } from 'class-validator';
import { Addressed, NoFields } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { EntityId, MinorUnits, OneOf, Optional, Text } from './field-decorators';
import { MilestoneCommandBody } from './milestones.requests';
import { PageQuery } from './paging';

export const DISPUTE_OUTCOMES = ['release', 'refund', 'split'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];
export const DISPUTE_STATUSES = ['open', 'resolved', 'withdrawn'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Opening a dispute: the milestone command's fields and the opener's statement. */
export class OpenDisputeBody extends MilestoneCommandBody {
  @Optional()
  @Text({ min: 1, max: FIELD_LIMITS.disputeStatementMaxLength })
  statement?: string;
}

/** A file version of the same workspace, named as the files API names it. */
export class EvidenceFileVersion {
  @EntityId()
  fileId!: string;

  @EntityId()
  versionId!: string;
}

/**
 * One piece of evidence: a statement and/or references. File versions and activity entries
 * are checked against the workspace; message ids are stored as given until the messaging
 * service exists (issue 16) to check them.
 */
export class AddDisputeEvidenceBody {
  @Optional()
  @Text({ min: 1, max: FIELD_LIMITS.disputeStatementMaxLength })
  statement?: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.disputeEvidenceRefs.max)
  @ValidateNested({ each: true })
  @Type(() => EvidenceFileVersion)
  fileVersions?: EvidenceFileVersion[];

  /** Ids of the workspace's activity entries (GET …/activity answers them). */
  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.disputeEvidenceRefs.max)
  @Matches(/^[1-9][0-9]{0,17}$/, { each: true, message: 'activityIds must be activity entry ids' })
  activityIds?: string[];

  /** Ids of the workspace's messages (unchecked until the messaging service exists). */
  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.disputeEvidenceRefs.max)
  @EntityId({ each: true, message: 'messageIds must be message ids' })
  messageIds?: string[];
}

/** `GET /admin/disputes`: newest first, open ones unless `status` says otherwise. */
export class AdminDisputesQuery extends PageQuery {
  @Optional()
  @OneOf(DISPUTE_STATUSES)
  status: DisputeStatus = 'open';

  @Optional()
  @EntityId()
  accountId?: string;
}

/**
 * An admin's decision. `split` names both parts, which must sum to what is escrowed (charged,
 * not yet released or refunded); `release` and `refund` move all of it (amounts optional, and
 * if given must be exactly that).
 */
export class ResolveDisputeBody {
  @OneOf(DISPUTE_OUTCOMES)
  outcome!: DisputeOutcome;

  @Optional()
  @MinorUnits()
  releaseAmount?: number;

  @Optional()
  @MinorUnits()
  refundAmount?: number;
}

class AdminReason extends NoFields {
  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}

export class OpenDisputeRequest extends Addressed(OpenDisputeBody, 'workspaceId', 'milestoneId') {}
export class AddDisputeEvidenceRequest extends Addressed(AddDisputeEvidenceBody, 'workspaceId', 'milestoneId') {}
export class AdminDisputesRequest extends AdminDisputesQuery {
  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}
export class AdminDisputeRequest extends Addressed(AdminReason, 'disputeId') {}
export class AdminResolveDisputeRequest extends Addressed(ResolveDisputeBody, 'disputeId') {
  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}
