import { ApprovalErrorCode } from '@fpms/contracts/errors';
import { AppError } from '@fpms/common/errors/app-error';

export class ApprovalError extends AppError<ApprovalErrorCode> {
  static requestNotFound(requestId: string) {
    return new ApprovalError(404, ApprovalErrorCode.ApprovalNotFound, 'Approval request not found', { requestId });
  }
  static notPending(status: string) {
    return new ApprovalError(409, ApprovalErrorCode.ApprovalNotPending, `The approval request is ${status} already`, { status });
  }
  static gateMoved(expected: number, current: number | null) {
    return new ApprovalError(409, ApprovalErrorCode.ApprovalGateMoved, 'The request is at another gate now', { expected, current });
  }
  static notAnApprover(gate: number) {
    return new ApprovalError(403, ApprovalErrorCode.NotAnApprover, 'You may not pass this gate', { gate });
  }
  static ownRequest() {
    return new ApprovalError(403, ApprovalErrorCode.OwnRequest, 'Nobody passes a gate of their own request');
  }
  static alreadyDecided(gate: number) {
    return new ApprovalError(409, ApprovalErrorCode.AlreadyDecided, 'You have decided on this request already (one gate per member)', {
      gate,
    });
  }
  static notRequester() {
    return new ApprovalError(403, ApprovalErrorCode.NotRequester, 'Only the member who asked may cancel the request');
  }
  static policyInvalid(message: string, details: Record<string, unknown>) {
    return new ApprovalError(422, ApprovalErrorCode.PolicyInvalid, message, details);
  }
  static policyNotFound(action: string) {
    return new ApprovalError(404, ApprovalErrorCode.PolicyNotFound, 'No approval policy for this action', { action });
  }
}
