/** Error codes of invitations (workspace). */
export enum InvitationErrorCode {
  NotFound = 'invitation_not_found',
  Expired = 'invitation_expired',
  Revoked = 'invitation_revoked',
  UsedUp = 'invitation_used_up',
  EmailMismatch = 'invitation_email_mismatch',
  AlreadyMember = 'already_member',
  ClientAdminExists = 'workspace_has_client_admin',
  FreelancerSideMember = 'freelancer_side_member',
  ClientSideMember = 'client_side_member',
  ClientRoleNeedsClientAdmin = 'client_role_needs_client_admin',
}
