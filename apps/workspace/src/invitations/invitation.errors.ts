import { AppError } from '@fpms/common/errors/app-error';
import { InvitationErrorCode } from '@fpms/contracts/errors/invitations.errors';

export class InvitationError extends AppError<InvitationErrorCode> {
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
  /** The freelancer side brings in only the first client admin; after that, client roles are the client's. */
  static clientAdminExists() {
    return new InvitationError(
      409,
      InvitationErrorCode.ClientAdminExists,
      'This workspace already has a client admin: only a client admin can invite to the client side now',
    );
  }
  static freelancerSideMember() {
    return new InvitationError(
      409,
      InvitationErrorCode.FreelancerSideMember,
      "You work on the freelancer's side of this account (owner or collaborator), so you cannot join its workspaces as a client",
    );
  }
  static clientSideMember() {
    return new InvitationError(
      409,
      InvitationErrorCode.ClientSideMember,
      "You are a client in this freelancer's workspaces, so you cannot join them as a collaborator",
    );
  }
  /** An old freelancer-issued invitation to a client role other than the first client admin. */
  static clientRoleNeedsClientAdmin() {
    return new InvitationError(
      409,
      InvitationErrorCode.ClientRoleNeedsClientAdmin,
      'Only a client admin can invite to this client-side role',
    );
  }
}
