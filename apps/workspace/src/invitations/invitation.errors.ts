import { AppError } from '@fpms/common/errors/app-error';

export enum InvitationErrorCode {
  NotFound = 'invitation_not_found',
  Expired = 'invitation_expired',
  Revoked = 'invitation_revoked',
  UsedUp = 'invitation_used_up',
  EmailMismatch = 'invitation_email_mismatch',
  AlreadyMember = 'already_member',
}

export class InvitationError extends AppError {
  static invitationNotFound() {
    return new InvitationError(404, InvitationErrorCode.NotFound, 'Invitation not found');
  }
  static expired() {
    return new InvitationError(410, InvitationErrorCode.Expired, 'This invitation has expired');
  }
  static revoked() {
    return new InvitationError(410, InvitationErrorCode.Revoked, 'This invitation has been revoked');
  }
  static usedUp() {
    return new InvitationError(410, InvitationErrorCode.UsedUp, 'This invitation has no uses left');
  }
  static emailMismatch() {
    return new InvitationError(403, InvitationErrorCode.EmailMismatch, 'This invitation is for another email address');
  }
  static alreadyMember() {
    return new InvitationError(409, InvitationErrorCode.AlreadyMember, 'You are already a member of this workspace');
  }
}
