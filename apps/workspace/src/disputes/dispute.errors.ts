import { AppError } from '@fpms/common/errors/app-error';
import { DisputeErrorCode } from '@fpms/contracts/errors/disputes.errors';

export class DisputeError extends AppError<DisputeErrorCode> {
  static disputeNotFound(details: Record<string, string>) {
    return new DisputeError(404, DisputeErrorCode.DisputeNotFound, 'Dispute not found', details);
  }
  static closed(status: string, responseDueAt: Date, reason: 'status' | 'deadline') {
    const message =
      reason === 'deadline'
        ? 'The response deadline of this dispute has passed: no more evidence'
        : `This dispute is ${status}: no more evidence`;
    return new DisputeError(409, DisputeErrorCode.DisputeClosed, message, { status, responseDueAt: responseDueAt.toISOString() });
  }
  static notOpen(status: string) {
    return new DisputeError(409, DisputeErrorCode.DisputeClosed, `This dispute is ${status}`, { status });
  }
  static evidenceEmpty() {
    return new DisputeError(400, DisputeErrorCode.EvidenceEmpty, 'Evidence needs a statement or at least one reference');
  }
  static evidenceRejected(kind: 'fileVersion' | 'activity', id: string, reason: string) {
    return new DisputeError(422, DisputeErrorCode.EvidenceRejected, `Evidence rejected: ${reason}`, { kind, id });
  }
  static resolutionInvalid(message: string, details: Record<string, unknown>) {
    return new DisputeError(422, DisputeErrorCode.ResolutionInvalid, message, details);
  }
}
