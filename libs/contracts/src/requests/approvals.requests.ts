import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { APPROVAL_ACTIONS, APPROVAL_STATUSES, type ApprovalAction, type ApprovalStatus } from '../rpc/approval-values';
import { WORKSPACE_ROLE_VALUES, type WorkspaceRole } from '../rpc/workspace-roles';
import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { CurrencyCode, EntityId, MinorUnits, OneOf, Optional, Text, UniqueBy } from './field-decorators';
import { PageQuery } from './paging';

/** "Only above this amount in this currency": a gate with thresholds applies above them (and in every currency not listed). */
export class ApprovalThreshold {
  @CurrencyCode()
  currency!: string;

  /** Integer minor units; the gate applies to amounts strictly greater. */
  @MinorUnits()
  amount!: number;
}

/** Who may pass a gate: members holding one of `roles` (of the policy's side), and/or the named members. */
export class ApprovalApprovers {
  @Optional()
  @IsArray()
  @ArrayMaxSize(WORKSPACE_ROLE_VALUES.length)
  @IsIn(WORKSPACE_ROLE_VALUES, { each: true, message: `roles must be of ${WORKSPACE_ROLE_VALUES.join(', ')}` })
  roles?: WorkspaceRole[];

  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.approvalApproversMax)
  @EntityId({ each: true, message: 'userIds must be user ids' })
  userIds?: string[];
}

export class ApprovalGateInput {
  @Text({ min: 1, max: FIELD_LIMITS.approvalGateNameLength })
  name!: string;

  @ValidateNested()
  @Type(() => ApprovalApprovers)
  approvers!: ApprovalApprovers;

  /** How many different approvers must pass it (e.g. 1 of 2 finance members). */
  @IsInt()
  @Min(1)
  @Max(FIELD_LIMITS.approvalApproversMax)
  required!: number;

  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.approvalThresholdsMax)
  @ValidateNested({ each: true })
  @Type(() => ApprovalThreshold)
  @UniqueBy('currency', 'one threshold per currency')
  onlyAbove?: ApprovalThreshold[];
}

/** `PUT /workspaces/:id/approval-policies/:action`: the whole ordered chain (replaces the previous one). */
export class PutApprovalPolicyBody {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FIELD_LIMITS.approvalGatesMax)
  @ValidateNested({ each: true })
  @Type(() => ApprovalGateInput)
  gates!: ApprovalGateInput[];
}

export class ApprovalPolicyRefBody {
  @OneOf(APPROVAL_ACTIONS)
  action!: ApprovalAction;
}

/** Approving a gate. `gate`: the index the approver saw; 409 if the request has moved on since. */
export class ApproveGateBody {
  @Optional()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.approvalGatesMax - 1)
  gate?: number;

  @Optional()
  @Text({ min: 1, max: FIELD_LIMITS.approvalReasonLength })
  reason?: string;
}

/** Rejecting: a reason is required (the requester is told it). */
export class RejectGateBody {
  @Optional()
  @IsInt()
  @Min(0)
  @Max(FIELD_LIMITS.approvalGatesMax - 1)
  gate?: number;

  @Text({ min: 1, max: FIELD_LIMITS.approvalReasonLength })
  reason!: string;
}

export class CancelApprovalBody {
  @Optional()
  @Text({ min: 1, max: FIELD_LIMITS.approvalReasonLength })
  reason?: string;
}

/** `GET /workspaces/:id/approvals`: newest first, open and past; `status` and `milestoneId` filter. */
export class ListApprovalsQuery extends PageQuery {
  @Optional()
  @OneOf(APPROVAL_STATUSES)
  status?: ApprovalStatus;

  @Optional()
  @EntityId()
  milestoneId?: string;
}

export class PutApprovalPolicyRequest extends Addressed(PutApprovalPolicyBody, 'workspaceId') {
  @OneOf(APPROVAL_ACTIONS)
  action!: ApprovalAction;
}
export class ApprovalPolicyRequest extends Addressed(ApprovalPolicyRefBody, 'workspaceId') {}
export class ListApprovalsRequest extends Addressed(ListApprovalsQuery, 'workspaceId') {}
export class ApproveGateRequest extends Addressed(ApproveGateBody, 'workspaceId', 'requestId') {}
export class RejectGateRequest extends Addressed(RejectGateBody, 'workspaceId', 'requestId') {}
export class CancelApprovalRequest extends Addressed(CancelApprovalBody, 'workspaceId', 'requestId') {}
