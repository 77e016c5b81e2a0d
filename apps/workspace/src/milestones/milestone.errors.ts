import { AppError } from '@fpms/common/errors/app-error';
import { MilestoneErrorCode } from '@fpms/contracts/errors/milestones.errors';

export class MilestoneError extends AppError<MilestoneErrorCode> {
  static milestoneNotFound(milestoneId: string) {
    return new MilestoneError(404, MilestoneErrorCode.MilestoneNotFound, 'Milestone not found', { milestoneId });
  }
  /** The one answer to every forbidden transition: what was asked, from where, and what is possible. */
  static invalidTransition(status: string, command: string) {
    return new MilestoneError(
      409,
      MilestoneErrorCode.InvalidTransition,
      `Cannot ${command.replace(/_/g, ' ')} a milestone that is ${status.replace(/_/g, ' ')}`,
      {
        status,
        command,
      },
    );
  }
  static notEditable(status: string) {
    return new MilestoneError(
      409,
      MilestoneErrorCode.NotEditable,
      `A ${status.replace(/_/g, ' ')} milestone cannot be edited; only drafts can`,
      { status },
    );
  }
  static deliverableRequired() {
    return new MilestoneError(400, MilestoneErrorCode.DeliverableRequired, 'Submitting needs the deliverable: deliverableFileVersionId');
  }
  static deliverableRejected(fileVersionId: string, reason: string) {
    return new MilestoneError(422, MilestoneErrorCode.DeliverableRejected, `The deliverable cannot be pinned: ${reason}`, {
      fileVersionId,
    });
  }
  /** An in-app dispute is withdrawn by the member who opened it, no one else. */
  static notDisputeOpener() {
    return new MilestoneError(403, MilestoneErrorCode.NotDisputeOpener, 'Only the member who opened this dispute can withdraw it');
  }
  static staleVersion(expected: number, actual: number) {
    return new MilestoneError(409, MilestoneErrorCode.StaleVersion, 'The milestone changed since you read it', { expected, actual });
  }
}
