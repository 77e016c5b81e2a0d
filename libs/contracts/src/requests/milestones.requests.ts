import {
  MILESTONE_BILLING_MODES,
  MILESTONE_STATUS_VALUES,
  type MilestoneBillingMode,
  type MilestoneStatusValue,
} from '../rpc/milestone-values';
import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { CalendarDate, CurrencyCode, EntityId, IntInRange, MinorUnits, OneOf, Optional, OptionalNullable, Text } from './field-decorators';
import { PageQuery } from './paging';
import { VersionedEdit } from './versioned-edit';

export class CreateMilestoneBody {
  @Text(FIELD_LIMITS.titleLength)
  title!: string;

  @Optional()
  @Text({ max: FIELD_LIMITS.descriptionMaxLength })
  description?: string;

  /** Integer minor units of `currency` (cents), never a decimal. */
  @MinorUnits()
  amount!: number;

  @CurrencyCode()
  currency!: string;

  @Optional()
  @CalendarDate()
  dueDate?: string;

  /** Days the client has to review a submission; defaults to the workspace's. */
  @Optional()
  @IntInRange(FIELD_LIMITS.reviewWindowDays)
  reviewWindowDays?: number;

  /** `escrow` (default): funded up front; `on_approval`: paid by the client after approval. */
  @Optional()
  @OneOf(MILESTONE_BILLING_MODES)
  billing?: MilestoneBillingMode;
}

export class UpdateMilestoneBody extends VersionedEdit {
  @Optional()
  @MinorUnits()
  amount?: number;

  @Optional()
  @CurrencyCode()
  currency?: string;

  /** null clears it. */
  @OptionalNullable()
  @CalendarDate()
  dueDate?: string | null;

  @Optional()
  @IntInRange(FIELD_LIMITS.reviewWindowDays)
  reviewWindowDays?: number;

  @Optional()
  @OneOf(MILESTONE_BILLING_MODES)
  billing?: MilestoneBillingMode;
}

/** The body of every milestone command (all optional; submit also names the deliverable). */
export class MilestoneCommandBody {
  @Optional()
  @Text({ max: FIELD_LIMITS.noteMaxLength })
  note?: string;

  /** Optimistic concurrency: refuse (409) if the milestone moved on since this version. */
  @Optional()
  @IntInRange({ min: 1, max: Number.MAX_SAFE_INTEGER })
  expectedVersion?: number;
}

export class SubmitMilestoneBody extends MilestoneCommandBody {
  /** The files service's file version id: pinned, so approval is tied to exactly this. */
  @EntityId({ message: 'deliverableFileVersionId must be a file version id' })
  deliverableFileVersionId!: string;
}

export class ListMilestonesQuery extends PageQuery {
  @Optional()
  @OneOf(MILESTONE_STATUS_VALUES)
  status?: MilestoneStatusValue;
}

export class CreateMilestoneRequest extends Addressed(CreateMilestoneBody, 'workspaceId') {}
export class UpdateMilestoneRequest extends Addressed(UpdateMilestoneBody, 'workspaceId', 'milestoneId') {}
export class MilestoneCommandRequest extends Addressed(MilestoneCommandBody, 'workspaceId', 'milestoneId') {}
export class SubmitMilestoneRequest extends Addressed(SubmitMilestoneBody, 'workspaceId', 'milestoneId') {}
export class ListMilestonesRequest extends Addressed(ListMilestonesQuery, 'workspaceId') {}
